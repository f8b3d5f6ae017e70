import { UsageError } from '../../platform/cli';
import { NotificationState } from '../../subgraphs/operations/notifications/notification-state';
import { parseRedeliverArgs } from './notifications';

const ID = '6f1c2d9e-3b4a-4c5d-8e6f-7a8b9c0d1e2f';

test('one notification by id, or every one in a state, optionally of one organisation', () => {
  expect(parseRedeliverArgs(['--id', ID])).toEqual({ selection: { id: ID } });
  expect(parseRedeliverArgs(['--state', 'DEAD', '--organisation', 'ncb-fra', '--database', 'x'])).toEqual({ selection: { state: NotificationState.DEAD, organisation: 'ncb-fra' }, database: 'x' });
});

test('every bad argument is named', () => {
  const problems = (argv: string[]) => {
    try {
      parseRedeliverArgs(argv);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as UsageError).problems;
    }
    throw new Error('accepted');
  };
  expect(problems([])).toEqual(['--id or --state is required']);
  expect(problems(['--id', 'x', '--state', 'PENDING'])).toEqual(['give --id or --state, not both', '--id x is not a notification id (a UUID)', '--state PENDING is not one of DEAD, NO_ENDPOINT, DELIVERED']);
  expect(problems(['--all'])).toEqual(['unknown argument --all']);
});
