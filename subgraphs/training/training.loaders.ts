import type { EntityManager } from '@mikro-orm/postgresql';
import { releasedIds, type SqlFragment } from '../../authorization/subgraph/releasability';
import { groupBy, loaderById, loaderByParent, loaderBySql, loaderByUuid } from '../shared/loaders';
import { Course } from './course.entity';
import { Enrollment } from './enrollment.entity';
import { Participant } from './participant.entity';
import { TrainingSession } from './training-session.entity';

// Each statement answers a whole batch of keys; the keys arrive as one JSON array (see loaderBySql).
const KEYS = `(select value::uuid as id from json_array_elements_text(?::json)) as ids`;

// Participants are personal data with handling: every figure below counts only the participants
// the caller may see (`visible` is `releasedIds(Participant)`, the same filter as the lists), so
// `enrolled` is the length of `enrollments`, and nothing counts an officer the caller cannot see.
const sessionCountsSql = (visible: string) => `
select ids.id as session_id,
       count(e.id)::int as enrolled,
       count(e.certificate_number)::int as certified
  from ${KEYS}
  left join enrollment e on e.session_id = ids.id and e.participant_id in (${visible})
 group by ids.id`;

const officersTrainedSql = (visible: string) => `
select s.operation_id, count(distinct e.participant_id)::int as officers
  from ${KEYS}
  join training_session s on s.operation_id = ids.id
  join enrollment e on e.session_id = s.id and e.certificate_number is not null and e.participant_id in (${visible})
 group by s.operation_id`;

const checkpointsStaffedSql = (visible: string) => `
select e.session_id, array_agg(distinct p.checkpoint_id::text order by p.checkpoint_id::text) as checkpoint_ids
  from ${KEYS}
  join enrollment e on e.session_id = ids.id
  join participant p on p.id = e.participant_id and p.checkpoint_id is not null and p.id in (${visible})
 group by e.session_id`;

type CountsRow = { session_id: string; enrolled: number; certified: number };
type OfficersRow = { operation_id: string; officers: number };
type CheckpointsRow = { session_id: string; checkpoint_ids: string[] };

/** Per-request loaders of the training subgraph: every relation and count is fetched in batches. */
export function createTrainingLoaders(em: EntityManager) {
  // Built once per request (no query): the participants this caller may see, as a subquery.
  let visibleParticipants: Promise<SqlFragment> | undefined;
  const visible = () => (visibleParticipants ??= releasedIds(em, Participant));
  /** A statement whose keys come first and whose `visible` subquery follows them. */
  const throughVisible = (statement: (visible: string) => string) => async (): Promise<SqlFragment> => {
    const participants = await visible();
    return { sql: statement(participants.sql), params: participants.params };
  };
  return {
    courseById: loaderById(em, Course),
    sessionById: loaderById(em, TrainingSession),
    participantById: loaderById(em, Participant),
    sessionsByOperation: loaderByParent(em, TrainingSession, 'operationId', (s) => s.operationId!, { startsOn: 'asc', id: 'asc' }),
    // An enrolment (score, certificate) is the participant's personal data: listed only with a participant the caller may see.
    enrollmentsBySession: loaderByUuid(async (sessionIds) => {
      const participants = await visible();
      const rows = await em
        .createQueryBuilder(Enrollment, 'e')
        .where({ session: { $in: sessionIds } })
        .andWhere(`e.participant_id in (${participants.sql})`, participants.params)
        .orderBy({ enrolledAt: 'asc', id: 'asc' })
        .getResultList();
      return groupBy(sessionIds, rows, (e) => [e.session.id]);
    }, () => []),
    enrollmentsByParticipant: loaderByParent(em, Enrollment, 'participant', (e) => e.participant.id, { enrolledAt: 'asc', id: 'asc' }),
    countsBySession: loaderBySql<CountsRow, { enrolled: number; certified: number }>(em, throughVisible(sessionCountsSql), 'session_id', (row) => ({
      enrolled: row?.enrolled ?? 0,
      certified: row?.certified ?? 0,
    })),
    officersTrainedByOperation: loaderBySql<OfficersRow, number>(em, throughVisible(officersTrainedSql), 'operation_id', (row) => row?.officers ?? 0),
    checkpointsBySession: loaderBySql<CheckpointsRow, string[]>(em, throughVisible(checkpointsStaffedSql), 'session_id', (row) => row?.checkpoint_ids ?? []),
  };
}

export type TrainingLoaders = ReturnType<typeof createTrainingLoaders>;
