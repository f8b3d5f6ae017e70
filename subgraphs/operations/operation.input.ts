import { Field, ID, InputType, Int, Float } from 'type-graphql';
import { CountryCode, LocalDate } from '../shared/scalars';
import { BorderType, DocumentType, HitAction, HitStatus, OperationStatus, ScreeningDatabase } from './enums';
import { CrimeArea } from '../shared/crime-area';

@InputType({ description: 'Which operations to list; all given conditions must hold.' })
export class OperationFilter {
  @Field(() => OperationStatus, { nullable: true, description: 'Only operations in this status.' })
  status?: OperationStatus;

  @Field(() => BorderType, { nullable: true, description: 'Only operations covering this kind of border.' })
  borderType?: BorderType;

  @Field(() => CrimeArea, { nullable: true, description: 'Only operations targeting this crime area.' })
  crimeArea?: CrimeArea;

  @Field(() => CountryCode, { nullable: true, description: 'Only operations this country takes part in.' })
  country?: string;

  @Field({ nullable: true, description: 'Only operations this partner organisation takes part in (code, e.g. `wco`).' })
  partnerOrganisation?: string;
}

@InputType({ description: 'A new operation; it starts PLANNED.' })
export class CreateOperationInput {
  @Field({ description: 'Unique code: 3 to 40 upper-case letters, digits or dashes, starting with a letter (e.g. `SUNBIRD-V`).' })
  code!: string;

  @Field({ description: 'Display name (1 to 200 characters).' })
  name!: string;

  @Field(() => LocalDate, { description: 'First day.' })
  startsOn!: string;

  @Field(() => LocalDate, { description: 'Last day; not before `startsOn`.' })
  endsOn!: string;

  @Field(() => [BorderType], { description: 'At least one kind of border.' })
  borderTypes!: BorderType[];

  @Field(() => [CrimeArea], { description: 'At least one crime area.' })
  crimeAreas!: CrimeArea[];

  @Field({ description: 'Code of the leading organisation.' })
  leadOrganisation!: string;

  @Field(() => [CountryCode], { description: 'At least one participating country.' })
  participatingCountries!: string[];

  @Field(() => [String], { defaultValue: [], description: 'Partner organisation codes.' })
  partnerOrganisations!: string[];

  @Field(() => [ScreeningDatabase], { description: 'At least one database opened at the checkpoints.' })
  databasesEnabled!: ScreeningDatabase[];
}

@InputType({ description: 'Changes to an operation; omitted fields stay as they are. A CLOSED operation cannot change.' })
export class UpdateOperationInput {
  @Field({ nullable: true, description: 'Display name.' })
  name?: string;

  @Field(() => LocalDate, { nullable: true, description: 'First day.' })
  startsOn?: string;

  @Field(() => LocalDate, { nullable: true, description: 'Last day.' })
  endsOn?: string;

  @Field(() => [BorderType], { nullable: true, description: 'Kinds of border.' })
  borderTypes?: BorderType[];

  @Field(() => [CrimeArea], { nullable: true, description: 'Crime areas.' })
  crimeAreas?: CrimeArea[];

  @Field(() => [CountryCode], { nullable: true, description: 'Participating countries.' })
  participatingCountries?: string[];

  @Field(() => [String], { nullable: true, description: 'Partner organisation codes.' })
  partnerOrganisations?: string[];

  @Field(() => [ScreeningDatabase], { nullable: true, description: 'Databases opened at the checkpoints.' })
  databasesEnabled?: ScreeningDatabase[];
}

@InputType({ description: 'Which checkpoints to list.' })
export class CheckpointFilter {
  @Field(() => CountryCode, { nullable: true, description: 'Only checkpoints in this country.' })
  country?: string;

  @Field(() => BorderType, { nullable: true, description: 'Only this kind of crossing.' })
  borderType?: BorderType;
}

@InputType({ description: 'A new checkpoint.' })
export class CreateCheckpointInput {
  @Field({ description: 'Name, unique within the country (1 to 200 characters).' })
  name!: string;

  @Field(() => CountryCode, { description: 'Country.' })
  country!: string;

  @Field(() => BorderType, { description: 'Air, land or sea.' })
  borderType!: BorderType;

  @Field({ description: 'Place name.' })
  place!: string;

  @Field(() => Float, { description: 'Latitude, -90 to 90.' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude, -180 to 180.' })
  longitude!: number;
}

@InputType({ description: 'Changes to a checkpoint; omitted fields stay as they are.' })
export class UpdateCheckpointInput {
  @Field({ nullable: true, description: 'Name.' })
  name?: string;

  @Field(() => BorderType, { nullable: true, description: 'Air, land or sea.' })
  borderType?: BorderType;

  @Field({ nullable: true, description: 'Place name.' })
  place?: string;

  @Field(() => Float, { nullable: true, description: 'Latitude, -90 to 90.' })
  latitude?: number;

  @Field(() => Float, { nullable: true, description: 'Longitude, -180 to 180.' })
  longitude?: number;
}

@InputType({ description: 'Officers assigned to a checkpoint for an operation; the window must lie within the operation period.' })
export class CreateDeploymentInput {
  @Field(() => ID, { description: 'Operation (not CLOSED).' })
  operationId!: string;

  @Field(() => ID, { description: 'Checkpoint.' })
  checkpointId!: string;

  @Field({ description: 'Start of the window.' })
  startsAt!: Date;

  @Field({ description: 'End of the window, after `startsAt`.' })
  endsAt!: Date;

  @Field(() => Int, { description: 'Officers assigned, 1 to 10000.' })
  officersAssigned!: number;
}

@InputType({ description: 'Changes to a deployment; omitted fields stay as they are.' })
export class UpdateDeploymentInput {
  @Field({ nullable: true, description: 'Start of the window.' })
  startsAt?: Date;

  @Field({ nullable: true, description: 'End of the window.' })
  endsAt?: Date;

  @Field(() => Int, { nullable: true, description: 'Officers assigned, 1 to 10000.' })
  officersAssigned?: number;
}

@InputType({ description: 'A travel document presented at a checkpoint. The number is hashed at once and never stored.' })
export class ScreenDocumentInput {
  @Field(() => ID, { description: 'ACTIVE operation under which the screening happens.' })
  operationId!: string;

  @Field(() => ID, { description: 'Checkpoint deployed in that operation.' })
  checkpointId!: string;

  @Field({ description: 'Document number: 5 to 20 letters or digits; spaces and dashes are ignored.' })
  documentNumber!: string;

  @Field(() => CountryCode, { description: 'Issuing country.' })
  issuingCountry!: string;

  @Field(() => DocumentType, { description: 'Type of document.' })
  documentType!: DocumentType;
}

@InputType({ description: 'Which hits to list.' })
export class HitFilter {
  @Field(() => ID, { nullable: true, description: 'Only hits of this operation.' })
  operationId?: string;

  @Field(() => ID, { nullable: true, description: 'Only hits at this checkpoint.' })
  checkpointId?: string;

  @Field(() => HitStatus, { nullable: true, description: 'Only hits in this status.' })
  status?: HitStatus;
}

@InputType({ description: 'The record owner confirms a hit and the officer records the action taken.' })
export class ConfirmHitInput {
  @Field(() => ID, { description: 'A PENDING hit.' })
  hitId!: string;

  @Field(() => HitAction, { description: 'Action taken under national law.' })
  action!: HitAction;

  @Field({ nullable: true, description: 'Note (at most 2000 characters).' })
  note?: string;
}

@InputType({ description: 'The record owner rejects a hit (no match after verification).' })
export class RejectHitInput {
  @Field(() => ID, { description: 'A PENDING hit.' })
  hitId!: string;

  @Field(() => HitAction, { defaultValue: HitAction.RELEASED, description: 'Action taken; RELEASED unless said otherwise.' })
  action!: HitAction;

  @Field({ nullable: true, description: 'Note (at most 2000 characters).' })
  note?: string;
}
