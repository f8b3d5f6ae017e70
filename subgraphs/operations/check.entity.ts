import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Checkpoint } from './checkpoint.entity';
import { DocumentType, ScreeningDatabase } from './enums';
import { Operation } from './operation.entity';

/**
 * One screening at a checkpoint. The subject is kept only as a keyed hash (`subjectRef`), so the
 * table never holds a document number; it is internal and exposed through hits and results.
 */
@Entity({ tableName: 'check' })
@Index({ properties: ['operation', 'checkpoint'] })
export class Check {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Operation, { ref: true })
  operation!: Ref<Operation>;

  @ManyToOne(() => Checkpoint, { ref: true })
  checkpoint!: Ref<Checkpoint>;

  @Enum({ items: () => ScreeningDatabase })
  database!: ScreeningDatabase;

  @Property({ type: 'timestamptz' })
  checkedAt: Date & Opt = new Date();

  @Property({ length: 64 })
  subjectRef!: string;

  @Enum({ items: () => DocumentType })
  documentType!: DocumentType;

  @Property({ length: 3 })
  issuingCountry!: string;

  @Property()
  matched!: boolean;
}
