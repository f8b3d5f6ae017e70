import { registerEnumType } from 'type-graphql';

/**
 * Crime areas, shared by the operations and training subgraphs: both accept it as input, so
 * composition demands the same name and values in each; one declaration keeps them so.
 */
export enum CrimeArea {
  TRAVEL_DOCUMENT_FRAUD = 'TRAVEL_DOCUMENT_FRAUD',
  FIREARMS = 'FIREARMS',
  TRAFFICKING_IN_HUMAN_BEINGS = 'TRAFFICKING_IN_HUMAN_BEINGS',
  MIGRANT_SMUGGLING = 'MIGRANT_SMUGGLING',
  STOLEN_VEHICLES = 'STOLEN_VEHICLES',
  DRUGS = 'DRUGS',
  TERRORISM = 'TERRORISM',
}

registerEnumType(CrimeArea, { name: 'CrimeArea', description: 'Crime areas an operation or a course targets.' });
