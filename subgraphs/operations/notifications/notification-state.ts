/** Where a notification stands in the outbox (the `state` column; `NotificationState` in the schema). */
export enum NotificationState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
  NO_ENDPOINT = 'NO_ENDPOINT',
}
