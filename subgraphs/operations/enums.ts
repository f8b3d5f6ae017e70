import { registerEnumType } from 'type-graphql';

/** PLANNED → ACTIVE → CLOSED; PLANNED → CLOSED calls an operation off. CLOSED is final. */
export enum OperationStatus {
  PLANNED = 'PLANNED',
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}

/** Allowed status moves; anything else is refused with CONFLICT. */
export const OPERATION_TRANSITIONS: Record<OperationStatus, OperationStatus[]> = {
  PLANNED: [OperationStatus.ACTIVE, OperationStatus.CLOSED],
  ACTIVE: [OperationStatus.CLOSED],
  CLOSED: [],
};

export enum BorderType {
  AIR = 'AIR',
  LAND = 'LAND',
  SEA = 'SEA',
}

/** Databases that an operation opens to officers at the checkpoints. */
export enum ScreeningDatabase {
  STOLEN_LOST_TRAVEL_DOCUMENTS = 'STOLEN_LOST_TRAVEL_DOCUMENTS',
  WANTED_PERSONS = 'WANTED_PERSONS',
  TRAVEL_DOCUMENTS_ASSOCIATED_WITH_NOTICES = 'TRAVEL_DOCUMENTS_ASSOCIATED_WITH_NOTICES',
  STOLEN_MOTOR_VEHICLES = 'STOLEN_MOTOR_VEHICLES',
  STOLEN_VESSELS = 'STOLEN_VESSELS',
  ILLICIT_FIREARMS = 'ILLICIT_FIREARMS',
  FINGERPRINTS = 'FINGERPRINTS',
}

export enum DocumentType {
  PASSPORT = 'PASSPORT',
  IDENTITY_CARD = 'IDENTITY_CARD',
  VISA = 'VISA',
  REFUGEE_TRAVEL_DOCUMENT = 'REFUGEE_TRAVEL_DOCUMENT',
  SEAFARER_IDENTITY_DOCUMENT = 'SEAFARER_IDENTITY_DOCUMENT',
}

export enum LossType {
  STOLEN_BLANK = 'STOLEN_BLANK',
  LOST = 'LOST',
  STOLEN_FROM_BEARER = 'STOLEN_FROM_BEARER',
  REVOKED = 'REVOKED',
}

export enum HitStatus {
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
  REJECTED = 'REJECTED',
}

/** What the officer did once the record's owner confirmed (or rejected) the hit. */
export enum HitAction {
  REFUSED_ENTRY = 'REFUSED_ENTRY',
  QUESTIONED = 'QUESTIONED',
  ARRESTED = 'ARRESTED',
  SEIZED = 'SEIZED',
  RELEASED = 'RELEASED',
  NONE = 'NONE',
}

registerEnumType(OperationStatus, {
  name: 'OperationStatus',
  description: 'Life cycle of an operation: PLANNED → ACTIVE → CLOSED (or PLANNED → CLOSED when called off).',
  valuesConfig: {
    PLANNED: { description: 'Announced; deployments can be planned, no screening yet.' },
    ACTIVE: { description: 'Under way; officers screen at deployed checkpoints.' },
    CLOSED: { description: 'Over or called off; final.' },
  },
});
registerEnumType(BorderType, { name: 'BorderType', description: 'Kind of border crossing point.' });
registerEnumType(ScreeningDatabase, { name: 'ScreeningDatabase', description: 'A database opened to officers at checkpoints during an operation.' });
registerEnumType(DocumentType, { name: 'DocumentType', description: 'Type of travel document.' });
registerEnumType(LossType, {
  name: 'LossType',
  description: 'Why a travel document is recorded as stolen or lost.',
  valuesConfig: {
    STOLEN_BLANK: { description: 'A blank document stolen before issue.' },
    LOST: { description: 'Reported lost by its holder.' },
    STOLEN_FROM_BEARER: { description: 'Stolen from its holder after issue.' },
    REVOKED: { description: 'Revoked by the issuing authority.' },
  },
});
registerEnumType(HitStatus, {
  name: 'HitStatus',
  description: 'A hit is PENDING until the owner of the matched record confirms or rejects it.',
});
registerEnumType(HitAction, { name: 'HitAction', description: 'Action taken under national law after a hit was decided.' });
