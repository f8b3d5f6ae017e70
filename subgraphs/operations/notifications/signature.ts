import path from 'node:path';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { loadOrCreateSigningKey, SIGNING_ALGORITHM, type SigningKeyPair } from '../../../platform/key-store';
import type { NotificationEvent } from './endpoints';

/** File of the key that signs hit notifications, inside the secrets folder (SECRETS_DIR). */
export const NOTIFICATION_KEY_FILE = 'notification-signing.json';

/** Where the gateway publishes the public key(s) that verify notifications. */
export const NOTIFICATION_JWKS_PATH = '/.well-known/frontera-notifications-jwks.json';

/** `iss` of every notification. */
export const NOTIFICATION_ISSUER = 'frontera';

/**
 * The JOSE `typ` of a notification: a receiver that checks it cannot be handed an access token
 * (or any other JWT signed with the same key) as if it were a notification.
 */
export const NOTIFICATION_TYPE = 'frontera-hit-notification+jwt';

/** Loads the hub's notification key from `secretsDir`, generating it (mode 600) on first use. */
export function loadNotificationKey(secretsDir: string): Promise<SigningKeyPair> {
  return loadOrCreateSigningKey(path.join(secretsDir, NOTIFICATION_KEY_FILE));
}

/** The JWKS the gateway publishes at {@link NOTIFICATION_JWKS_PATH}. */
export function notificationJwks(...keys: SigningKeyPair[]): JSONWebKeySet {
  return { keys: keys.map((key) => ({ ...key.publicJwk })) };
}

/**
 * What a notification says: that a screening matched one of the organisation's records. Only
 * identifiers and a time, all of which the organisation can already query (`hits`): never the
 * document number, the traveller, nor the officer.
 */
export interface HitNotificationClaims extends JWTPayload {
  iss: typeof NOTIFICATION_ISSUER;
  /** The organisation notified: a receiver refuses a notification addressed to anyone else. */
  aud: string;
  /** The idempotency key (the same on every try of one notification, also sent as `Idempotency-Key`). */
  jti: string;
  /** When this try was signed (seconds): a receiver can refuse old ones. */
  iat: number;
  event: NotificationEvent;
  hit: {
    id: string;
    /** The matched record (`DocumentAlert.id`). */
    alertId: string;
    checkpointId: string;
    /** When the screening matched (ISO 8601, UTC). */
    detectedAt: string;
  };
}

/** A notification as the outbox holds it, before signing. */
export interface NotificationContent {
  idempotencyKey: string;
  organisation: string;
  event: NotificationEvent;
  hit: HitNotificationClaims['hit'];
}

/** Signs one try of a notification: a compact JWS (ES256) with the key's `kid` in its header. */
export function signNotification(key: Pick<SigningKeyPair, 'kid' | 'privateKey'>, content: NotificationContent, now = new Date()): Promise<string> {
  return new SignJWT({ event: content.event, hit: content.hit })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: NOTIFICATION_TYPE })
    .setIssuer(NOTIFICATION_ISSUER)
    .setAudience(content.organisation)
    .setJti(content.idempotencyKey)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .sign(key.privateKey);
}

/**
 * What a receiver does with a body it got (documented in the README; the tests' receiver uses it):
 * the signature against the hub's published JWKS, the type, the issuer, that it is addressed to
 * `organisation`, and its age. Throws (a `jose` error) on any failure. Deduplicating by `jti`
 * (= `Idempotency-Key`) is the receiver's part: a replayed body verifies, and only the key tells it was seen.
 */
export async function verifyNotification(body: string, jwks: JSONWebKeySet, organisation: string, options: { maxAgeSeconds?: number; now?: Date } = {}): Promise<HitNotificationClaims> {
  const { payload } = await jwtVerify(body, createLocalJWKSet(jwks), {
    algorithms: [SIGNING_ALGORITHM],
    issuer: NOTIFICATION_ISSUER,
    audience: organisation,
    typ: NOTIFICATION_TYPE,
    maxTokenAge: options.maxAgeSeconds ?? 300,
    requiredClaims: ['jti', 'iat'],
    ...(options.now ? { currentDate: options.now } : {}),
  });
  return payload as HitNotificationClaims;
}
