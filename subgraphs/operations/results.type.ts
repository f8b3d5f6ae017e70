import { Field, Int, ObjectType } from 'type-graphql';
import { ScreeningDatabase } from './enums';

@ObjectType({ description: 'Hits on one database.' })
export class DatabaseHits {
  @Field(() => ScreeningDatabase, { description: 'The database.' })
  database!: ScreeningDatabase;

  @Field(() => Int, { description: 'Hits on it (any status).' })
  hits!: number;
}

@ObjectType({ description: 'Aggregate results of an operation, counted from its checks and hits: public headline figures, the same for every caller (the hits themselves are not).' })
export class OperationResults {
  @Field(() => Int, { description: 'Screenings performed.' })
  checks!: number;

  @Field(() => Int, { description: 'Screenings that matched a record (any status).' })
  hits!: number;

  @Field(() => [DatabaseHits], { description: 'Hits per database.' })
  hitsByDatabase!: DatabaseHits[];

  @Field(() => Int, { description: 'Hits confirmed by the record owner.' })
  confirmedHits!: number;

  @Field(() => Int, { description: 'Confirmed hits that led to an arrest.' })
  arrests!: number;

  @Field(() => Int, { description: 'Confirmed hits that led to a seizure.' })
  seizures!: number;
}
