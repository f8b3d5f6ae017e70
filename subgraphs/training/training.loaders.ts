import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderById, loaderByParent, loaderBySql } from '../shared/loaders';
import { Course } from './course.entity';
import { Enrollment } from './enrollment.entity';
import { Participant } from './participant.entity';
import { TrainingSession } from './training-session.entity';

// Each statement answers a whole batch of keys; the keys arrive as one JSON array (see loaderBySql).
const KEYS = `(select value::uuid as id from json_array_elements_text(?::json)) as ids`;

const SESSION_COUNTS_SQL = `
select ids.id as session_id,
       count(e.id)::int as enrolled,
       count(e.certificate_number)::int as certified
  from ${KEYS}
  left join enrollment e on e.session_id = ids.id
 group by ids.id`;

const OFFICERS_TRAINED_SQL = `
select s.operation_id, count(distinct e.participant_id)::int as officers
  from ${KEYS}
  join training_session s on s.operation_id = ids.id
  join enrollment e on e.session_id = s.id and e.certificate_number is not null
 group by s.operation_id`;

const CHECKPOINTS_STAFFED_SQL = `
select e.session_id, array_agg(distinct p.checkpoint_id::text order by p.checkpoint_id::text) as checkpoint_ids
  from ${KEYS}
  join enrollment e on e.session_id = ids.id
  join participant p on p.id = e.participant_id and p.checkpoint_id is not null
 group by e.session_id`;

type CountsRow = { session_id: string; enrolled: number; certified: number };
type OfficersRow = { operation_id: string; officers: number };
type CheckpointsRow = { session_id: string; checkpoint_ids: string[] };

/** Per-request loaders of the training subgraph: every relation and count is fetched in batches. */
export function createTrainingLoaders(em: EntityManager) {
  return {
    courseById: loaderById(em, Course),
    sessionById: loaderById(em, TrainingSession),
    participantById: loaderById(em, Participant),
    sessionsByOperation: loaderByParent(em, TrainingSession, 'operationId', (s) => s.operationId!, { startsOn: 'asc', id: 'asc' }),
    enrollmentsBySession: loaderByParent(em, Enrollment, 'session', (e) => e.session.id, { enrolledAt: 'asc', id: 'asc' }),
    enrollmentsByParticipant: loaderByParent(em, Enrollment, 'participant', (e) => e.participant.id, { enrolledAt: 'asc', id: 'asc' }),
    countsBySession: loaderBySql<CountsRow, { enrolled: number; certified: number }>(em, SESSION_COUNTS_SQL, 'session_id', (row) => ({
      enrolled: row?.enrolled ?? 0,
      certified: row?.certified ?? 0,
    })),
    officersTrainedByOperation: loaderBySql<OfficersRow, number>(em, OFFICERS_TRAINED_SQL, 'operation_id', (row) => row?.officers ?? 0),
    checkpointsBySession: loaderBySql<CheckpointsRow, string[]>(em, CHECKPOINTS_STAFFED_SQL, 'session_id', (row) => row?.checkpoint_ids ?? []),
  };
}

export type TrainingLoaders = ReturnType<typeof createTrainingLoaders>;
