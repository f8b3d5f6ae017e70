import type { EntityManager } from '@mikro-orm/postgresql';
import { Classification } from '../../../authorization/subgraph/handling';
import { CourseLevel } from '../enums';
import { CrimeArea } from '../../shared/crime-area';
import { PASS_MARK, certificateNumber } from '../training.rules';
import { insertRows as insertTable, int, mulberry32, pick, sample, seedId, weighted, type Columns, type Rng } from '../../shared/seeding';

// Synthetic demo data: no participant is a real person and no score a real result. Sessions
// precede the seeded operations they prepare for (as the published operations report: training
// first, then practice during the operation), a few run outside any operation.

/** The data set's fixed "now": sessions that ended before it have scores and certificates, later ones not yet. */
const AS_OF = '2026-11-28';
const DAY = 86_400_000;

type BorderType = 'AIR' | 'LAND' | 'SEA';

/** The operations subgraph's seeded operations, by code: their ids are `seedId('operation', code)`. */
const OPERATIONS: Record<string, { countries: string[]; borderTypes: BorderType[] }> = {
  'SUNBIRD-IV': { countries: words('BRN IDN KHM LAO MMR MYS PHL SGP THA VNM'), borderTypes: ['AIR'] },
  'TRIGGER-SALVO-II': { countries: words('ALB BIH IRQ JOR LBN MKD MNE SRB TUN TUR'), borderTypes: ['LAND'] },
  'ANCHOR-III': { countries: words('BEN CIV CMR GHA NGA SEN TGO'), borderTypes: ['SEA'] },
  'ADWENPA-V': { countries: words('BEN BFA CIV GHA MLI MRT NGA SEN TGO'), borderTypes: ['AIR', 'LAND'] },
};

/**
 * The operations subgraph's seeded checkpoints (`seedId('checkpoint', 'COUNTRY:name')`): officers
 * trained for an operation staff one in their own country, of a border type the operation covers.
 */
const CHECKPOINTS: Record<BorderType, [country: string, name: string][]> = {
  AIR: [
    ['THA', 'Suvarnabhumi Airport'], ['THA', 'Don Mueang International Airport'], ['VNM', 'Tan Son Nhat International Airport'],
    ['VNM', 'Noi Bai International Airport'], ['KHM', 'Phnom Penh International Airport'], ['LAO', 'Wattay International Airport'],
    ['MMR', 'Yangon International Airport'], ['MYS', 'Kuala Lumpur International Airport'], ['IDN', 'Soekarno-Hatta International Airport'],
    ['IDN', 'Ngurah Rai International Airport'], ['PHL', 'Ninoy Aquino International Airport'], ['SGP', 'Singapore Changi Airport'],
    ['BRN', 'Brunei International Airport'], ['GHA', 'Kotoka International Airport'], ['SEN', 'Blaise Diagne International Airport'],
    ['NGA', 'Murtala Muhammed International Airport'],
  ],
  LAND: [
    ['TUR', 'Kapıkule Border Gate'], ['TUR', 'Cilvegözü Border Gate'], ['LBN', 'Masnaa Border Crossing'], ['JOR', 'Jaber Border Crossing'],
    ['JOR', 'King Hussein Bridge'], ['TUN', 'Ras Jedir Border Crossing'], ['SRB', 'Horgoš Border Crossing'], ['SRB', 'Batrovci Border Crossing'],
    ['MKD', 'Tabanovce Border Crossing'], ['MKD', 'Bogorodica Border Crossing'], ['ALB', 'Kakavijë Border Crossing'],
    ['MNE', 'Debeli Brijeg Border Crossing'], ['BIH', 'Bijača Border Crossing'], ['NGA', 'Seme Border Post'], ['GHA', 'Aflao Border Post'],
    ['CIV', 'Noé Border Post'], ['SEN', 'Rosso Border Post'],
  ],
  SEA: [
    ['GHA', 'Port of Tema'], ['GHA', 'Takoradi Port'], ['TGO', 'Port of Lomé'], ['BEN', 'Port of Cotonou'], ['NGA', 'Apapa Port'],
    ['CIV', 'Port of Abidjan'], ['SEN', 'Port of Dakar'], ['CMR', 'Port of Douala'],
  ],
};

interface CourseSeed {
  code: string;
  title: string;
  domain: CrimeArea;
  level: CourseLevel;
  durationDays: number;
  description: string;
}

const A = CrimeArea;
const L = CourseLevel;
const COURSES: CourseSeed[] = [
  { code: 'SLTD-B', title: 'Using the stolen and lost travel documents database at the first line', domain: A.TRAVEL_DOCUMENT_FRAUD, level: L.BASIC, durationDays: 2,
    description: 'Querying the stolen and lost travel documents database from fixed and mobile terminals, reading a candidate match, and the hit procedure: confirming with the record owner before any action.' },
  { code: 'TDF-B', title: 'Document fraud detection: first-line examination', domain: A.TRAVEL_DOCUMENT_FRAUD, level: L.BASIC, durationDays: 3,
    description: 'Security features of passports and identity cards, counterfeits and forgeries, impostors, and when to refer a document to the second line.' },
  { code: 'TDF-A', title: 'Document fraud: second-line forensic examination', domain: A.TRAVEL_DOCUMENT_FRAUD, level: L.ADVANCED, durationDays: 5,
    description: 'Examination under UV, IR and magnification, printing techniques, chip and MRZ checks against public key certificates, and writing an examination report.' },
  { code: 'FIR-B', title: 'Firearms identification and tracing', domain: A.FIREARMS, level: L.BASIC, durationDays: 3,
    description: 'Identifying firearms, parts and ammunition, recording markings, and querying the illicit firearms records to trace a weapon.' },
  { code: 'FIR-A', title: 'Illicit firearms trafficking at land borders: profiling and vehicle search', domain: A.FIREARMS, level: L.ADVANCED, durationDays: 4,
    description: 'Risk indicators on trafficking routes, concealment in vehicles, search techniques and evidence handling for seizures at land crossings.' },
  { code: 'THB-B', title: 'Trafficking in human beings: indicators and victim-centred referral', domain: A.TRAFFICKING_IN_HUMAN_BEINGS, level: L.BASIC, durationDays: 3,
    description: 'Indicators of trafficking at the border, interviewing presumed victims safely, and referral to protection services rather than removal.' },
  { code: 'THB-T', title: 'Trafficking in human beings: train the trainer', domain: A.TRAFFICKING_IN_HUMAN_BEINGS, level: L.TRAIN_THE_TRAINER, durationDays: 5,
    description: 'Preparing officers to teach the trafficking indicators course in their own agency: adult learning, case studies, assessment.' },
  { code: 'SMG-B', title: 'Migrant smuggling: detection and interviewing at the border', domain: A.MIGRANT_SMUGGLING, level: L.BASIC, durationDays: 3,
    description: 'Smuggling routes and methods, distinguishing smuggling from trafficking, and interviews that identify facilitators.' },
  { code: 'MAR-A', title: 'Maritime boarding and vessel search', domain: A.DRUGS, level: L.ADVANCED, durationDays: 5,
    description: 'Boarding procedures, crew and document checks, search of vessels and containers, and querying the stolen vessels records.' },
  { code: 'DRG-B', title: 'Drug concealment in passenger and cargo flows', domain: A.DRUGS, level: L.BASIC, durationDays: 3,
    description: 'Concealment methods in luggage, on the body and in cargo, profiling indicators, and controlled deliveries with customs partners.' },
  { code: 'VEH-B', title: 'Stolen motor vehicle identification', domain: A.STOLEN_VEHICLES, level: L.BASIC, durationDays: 2,
    description: 'Vehicle identification numbers and their manipulation, forged registration documents, and querying the stolen motor vehicles database.' },
  { code: 'CT-A', title: 'Foreign terrorist fighters: watch-list screening and travel patterns', domain: A.TERRORISM, level: L.ADVANCED, durationDays: 3,
    description: 'Screening against wanted-person notices, broken travel and other indicators, and sharing information through the national bureau.' },
  { code: 'SLTD-T', title: 'Border database integration: train the trainer', domain: A.TRAVEL_DOCUMENT_FRAUD, level: L.TRAIN_THE_TRAINER, durationDays: 4,
    description: 'Preparing national trainers to teach database screening at the first line, including offline mobile terminals refreshed every 24 to 48 hours.' },
];

interface SessionSeed {
  key: string;
  course: string;
  startsOn: string;
  endsOn: string;
  hostCountry: string;
  place: string;
  trainer: string;
  capacity: number;
  /** Code of the seeded operation it prepares for; its participants come from that operation's countries. */
  operation?: string;
  /** Share of the capacity taken. */
  fill: number;
  cancelledAt?: string;
}

const SESSIONS: SessionSeed[] = [
  { key: 'S4-SLTD-BKK', course: 'SLTD-B', startsOn: '2025-08-18', endsOn: '2025-08-19', hostCountry: 'THA', place: 'Police Education Centre, Bangkok', trainer: 'hub', capacity: 30, operation: 'SUNBIRD-IV', fill: 0.97 },
  { key: 'S4-SLTD-HAN', course: 'SLTD-B', startsOn: '2025-08-20', endsOn: '2025-08-21', hostCountry: 'VNM', place: 'Immigration Department Training Centre, Hanoi', trainer: 'hub', capacity: 30, operation: 'SUNBIRD-IV', fill: 0.93 },
  { key: 'S4-TDF-KUL', course: 'TDF-B', startsOn: '2025-08-25', endsOn: '2025-08-27', hostCountry: 'MYS', place: 'Police Training Centre, Kuala Lumpur', trainer: 'hub', capacity: 28, operation: 'SUNBIRD-IV', fill: 0.93 },
  { key: 'S4-CT-SRG', course: 'CT-A', startsOn: '2025-08-26', endsOn: '2025-08-28', hostCountry: 'IDN', place: 'Law Enforcement Training Centre, Semarang', trainer: 'hub', capacity: 20, operation: 'SUNBIRD-IV', fill: 0.9 },
  { key: 'S4-SMG-PNH', course: 'SMG-B', startsOn: '2025-08-27', endsOn: '2025-08-29', hostCountry: 'KHM', place: 'Police Academy, Phnom Penh', trainer: 'iom', capacity: 24, operation: 'SUNBIRD-IV', fill: 0.92 },
  { key: 'S4-THB-MNL', course: 'THB-B', startsOn: '2025-09-01', endsOn: '2025-09-03', hostCountry: 'PHL', place: 'Immigration Training Centre, Manila', trainer: 'iom', capacity: 24, operation: 'SUNBIRD-IV', fill: 1 },
  { key: 'TS2-TDF-IST', course: 'TDF-B', startsOn: '2026-03-02', endsOn: '2026-03-04', hostCountry: 'TUR', place: 'Police Academy, Istanbul', trainer: 'hub', capacity: 28, operation: 'TRIGGER-SALVO-II', fill: 0.9 },
  { key: 'TS2-CT-BEY', course: 'CT-A', startsOn: '2026-03-09', endsOn: '2026-03-11', hostCountry: 'LBN', place: 'Internal Security Forces Academy, Beirut', trainer: 'hub', capacity: 20, operation: 'TRIGGER-SALVO-II', fill: 0.9 },
  { key: 'TS2-FIR-AMM', course: 'FIR-B', startsOn: '2026-03-16', endsOn: '2026-03-18', hostCountry: 'JOR', place: 'Police Training Institute, Amman', trainer: 'hub', capacity: 30, operation: 'TRIGGER-SALVO-II', fill: 0.9 },
  { key: 'TS2-FIRA-BEG', course: 'FIR-A', startsOn: '2026-03-23', endsOn: '2026-03-26', hostCountry: 'SRB', place: 'Border Police Training Centre, Belgrade', trainer: 'hub', capacity: 24, operation: 'TRIGGER-SALVO-II', fill: 0.96 },
  { key: 'TS2-VEH-TUN', course: 'VEH-B', startsOn: '2026-03-30', endsOn: '2026-03-31', hostCountry: 'TUN', place: 'National Guard Academy, Tunis', trainer: 'frontex', capacity: 24, operation: 'TRIGGER-SALVO-II', fill: 0.84 },
  { key: 'TS2-SLTD-TIA', course: 'SLTD-B', startsOn: '2026-04-06', endsOn: '2026-04-07', hostCountry: 'ALB', place: 'Police Academy, Tirana', trainer: 'hub', capacity: 26, operation: 'TRIGGER-SALVO-II', fill: 0.92 },
  { key: 'A3-MAR-TEM', course: 'MAR-A', startsOn: '2026-10-19', endsOn: '2026-10-23', hostCountry: 'GHA', place: 'Naval Training Command, Tema', trainer: 'hub', capacity: 24, operation: 'ANCHOR-III', fill: 0.92 },
  { key: 'A3-TDF-ABJ', course: 'TDF-B', startsOn: '2026-10-27', endsOn: '2026-10-29', hostCountry: 'CIV', place: 'National Police Academy, Abidjan', trainer: 'hub', capacity: 26, operation: 'ANCHOR-III', fill: 0.9 },
  { key: 'A3-SLTD-DKR', course: 'SLTD-B', startsOn: '2026-11-02', endsOn: '2026-11-03', hostCountry: 'SEN', place: 'National Police School, Dakar', trainer: 'hub', capacity: 30, operation: 'ANCHOR-III', fill: 0.9 },
  { key: 'A3-DRG-TEM', course: 'DRG-B', startsOn: '2026-11-24', endsOn: '2026-11-26', hostCountry: 'GHA', place: 'Port of Tema training room', trainer: 'wco', capacity: 24, operation: 'ANCHOR-III', fill: 0.75 },
  { key: 'A5-THB-ABJ', course: 'THB-B', startsOn: '2026-12-01', endsOn: '2026-12-03', hostCountry: 'CIV', place: 'National Police Academy, Abidjan', trainer: 'iom', capacity: 30, operation: 'ADWENPA-V', fill: 0.8 },
  { key: 'A5-SMG-LOS', course: 'SMG-B', startsOn: '2026-12-07', endsOn: '2026-12-09', hostCountry: 'NGA', place: 'Immigration Service Training School, Lagos', trainer: 'hub', capacity: 28, operation: 'ADWENPA-V', fill: 0.7 },
  { key: 'A5-SLTD-ACC', course: 'SLTD-B', startsOn: '2026-12-09', endsOn: '2026-12-10', hostCountry: 'GHA', place: 'Police Training School, Accra', trainer: 'hub', capacity: 30, operation: 'ADWENPA-V', fill: 0.6 },
  { key: 'A5-TDF-OUA', course: 'TDF-B', startsOn: '2026-12-08', endsOn: '2026-12-10', hostCountry: 'BFA', place: 'National Police School, Ouagadougou', trainer: 'hub', capacity: 24, operation: 'ADWENPA-V', fill: 0.4,
    cancelledAt: '2026-11-20T10:00:00Z' },
  { key: 'GEN-TDFA-SIN', course: 'TDF-A', startsOn: '2026-02-09', endsOn: '2026-02-13', hostCountry: 'SGP', place: 'Checkpoint Training Centre, Singapore', trainer: 'hub', capacity: 20, fill: 0.9 },
  { key: 'GEN-THBT-LYS', course: 'THB-T', startsOn: '2026-06-08', endsOn: '2026-06-12', hostCountry: 'FRA', place: 'Training Centre, Lyon', trainer: 'hub', capacity: 16, fill: 1 },
  { key: 'GEN-CT-AMM', course: 'CT-A', startsOn: '2026-09-14', endsOn: '2026-09-16', hostCountry: 'JOR', place: 'Police Training Institute, Amman', trainer: 'hub', capacity: 20, fill: 0.85 },
  { key: 'GEN-SLTDT-NBO', course: 'SLTD-T', startsOn: '2027-01-18', endsOn: '2027-01-21', hostCountry: 'KEN', place: 'Regional Training Centre, Nairobi', trainer: 'hub', capacity: 20, fill: 0.4 },
];

/** Officers recorded per participating country of each operation, and for sessions outside operations. */
const OFFICERS_PER_COUNTRY: Record<string, number> = { 'SUNBIRD-IV': 11, 'TRIGGER-SALVO-II': 10, 'ANCHOR-III': 11, 'ADWENPA-V': 8 };
const GENERAL_COUNTRIES = words('FRA KEN THA GHA JOR SRB PHL NGA TUN IDN SEN ALB MYS CIV');
const GENERAL_OFFICERS_PER_COUNTRY = 4;

/** Name parts per country; `familyFirst` for countries that write the family name first. */
type Names = { given: string[]; family: string[]; familyFirst?: boolean };
const MALAY: Names = { given: words('Ahmad Nurul Faizal Siti Hafiz Aisyah Azman Farah'), family: words('Ismail Hassan Abdullah Rahman Yusof Osman Hamid Razak') };
const NAMES: Record<string, Names> = {
  THA: { given: words('Somchai Supaporn Anan Kanokwan Prasert Nattapong Siriporn Wichai Pimchanok Thanakorn'), family: words('Srisuk Chaiyaporn Wongsakul Rattanakorn Boonmee Thongchai Saetang Kittisak') },
  VNM: { given: ['Van Hung', 'Thi Lan', 'Minh Tuan', 'Thi Hoa', 'Duc Anh', 'Quoc Bao', 'Thanh Huong', 'Van Nam'], family: words('Nguyen Tran Le Pham Hoang Vu Dang Bui'), familyFirst: true },
  KHM: { given: words('Dara Sophea Vuthy Sreymom Rithy Bopha Piseth Channary'), family: words('Sok Chan Keo Heng Sam Ly Meas Chea'), familyFirst: true },
  LAO: { given: words('Khamphone Souksavanh Bounmy Phonesavanh Vilayvanh Somphone Chanthala'), family: words('Phommachanh Sisavath Vongsa Inthavong Keomany Douangchanh Sayavong') },
  MMR: { given: words('Aung Thiri Kyaw Hnin Zaw Myat Min Su'), family: ['Min Htet', 'Win', 'Soe', 'Aye', 'Naing', 'Oo', 'Lwin', 'Thu'] },
  MYS: MALAY,
  BRN: MALAY,
  IDN: { given: words('Budi Siti Agus Dewi Rudi Sri Andi Rina'), family: words('Santoso Wijaya Saputra Lestari Hidayat Kusuma Pratama Nugroho') },
  PHL: { given: ['Jose', 'Maria', 'Mark Anthony', 'Kristine', 'Ramon', 'Angelica', 'Jerome', 'Liza'], family: ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Villanueva', 'Dela Cruz'] },
  SGP: { given: ['Wei Ming', 'Hui Ling', 'Jun Jie', 'Mei Ling', 'Kok Wai', 'Siew Lan'], family: words('Tan Lim Lee Ng Wong Goh Chua Teo'), familyFirst: true },
  IRQ: { given: words('Ahmed Fatima Omar Zainab Khaled Haider Mustafa Noor'), family: ['Al-Jubouri', 'Al-Obaidi', 'Kareem', 'Al-Tamimi', 'Hussein', 'Jabbar'] },
  JOR: { given: words('Ahmad Rania Omar Layla Khaled Yousef Samir Dana'), family: ['Al-Masri', 'Haddad', 'Khalil', 'Nasser', 'Al-Zoubi', 'Abu-Zeid'] },
  LBN: { given: words('Georges Rima Ali Nadine Karim Maya Hassan Joelle'), family: words('Khoury Haddad Saade Frem Nassar Aoun') },
  TUN: { given: words('Mohamed Amira Slim Ines Walid Sonia Hichem Rim'), family: ['Ben Salah', 'Trabelsi', 'Jebali', 'Gharbi', 'Mejri', 'Ben Amor'] },
  MRT: { given: words('Mohamed Ahmed Sidi Cheikh Brahim Moctar'), family: ['Ould Ahmed', 'Ould Cheikh', 'Ould Sidi', 'Ould Mohamed', 'Ould Salem'] },
  TUR: { given: words('Mehmet Ayşe Mustafa Elif Emre Zeynep Burak Fatma'), family: words('Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın Arslan') },
  ALB: { given: words('Arben Elira Besnik Jonida Gentian Ermira Ilir Anila'), family: words('Hoxha Shehu Leka Gjoka Dervishi Kola Basha Marku') },
  SRB: { given: words('Marko Jelena Nikola Milica Stefan Ana Dragan Ivana'), family: words('Jovanović Petrović Nikolić Marković Đorđević Stojanović Ilić Pavlović') },
  BIH: { given: words('Amir Lejla Emir Amela Adnan Selma Haris Maja'), family: words('Hodžić Begić Kovačević Delić Hadžić Mehmedović') },
  MNE: { given: words('Milan Jovana Vuk Milena Luka Tijana'), family: words('Vujović Radović Perović Bošković Popović Vuković') },
  MKD: { given: words('Aleksandar Goran Dimitar Zoran Nikola Igor'), family: words('Stojanovski Nikolovski Trajkovski Georgievski Dimitrovski Angelovski') },
  GHA: { given: words('Kwame Ama Kofi Akosua Yaw Abena Kwabena Efua'), family: words('Mensah Owusu Boateng Asante Osei Agyeman Appiah Ofori') },
  NGA: { given: words('Chukwuemeka Ngozi Oluwaseun Aisha Ibrahim Funmilayo Emeka Halima'), family: words('Okafor Adeyemi Bello Eze Abubakar Okonkwo Balogun Musa') },
  SEN: { given: words('Mamadou Aminata Cheikh Fatou Ousmane Awa Moussa Mariama'), family: words('Diop Ndiaye Fall Sow Diallo Sarr Faye Ba') },
  CIV: { given: words('Kouadio Aya Yao Adjoua Koffi Serge Mariam Ibrahim'), family: ['Kouassi', 'Koné', 'Ouattara', 'Traoré', 'Bamba', "N'Guessan", 'Coulibaly'] },
  BEN: { given: words('Koffi Adjoa Sèna Rachida Gildas Fifonsi'), family: words('Houngbo Agossou Dossou Zinsou Ahouansou Adjovi') },
  TGO: { given: words('Komlan Akossiwa Kossi Ablavi Yawo Afi'), family: words('Agbodjan Lawson Amegah Kpodar Adjaho Akakpo') },
  CMR: { given: ['Jean-Pierre', 'Marie', 'Paul', 'Esther', 'Emmanuel', 'Brigitte'], family: words('Mbarga Nkoulou Fotso Tchoumi Ngono Essomba') },
  BFA: { given: words('Issouf Salimata Boureima Aminata Souleymane Rasmata'), family: words('Ouédraogo Sawadogo Compaoré Zongo Kaboré Ouattara') },
  MLI: { given: words('Modibo Kadiatou Bakary Oumou Seydou Fanta'), family: words('Keïta Traoré Diarra Coulibaly Sissoko Touré') },
  FRA: { given: words('Julien Camille Nicolas Claire Thomas Sophie'), family: words('Martin Bernard Dubois Moreau Laurent Lefebvre') },
  KEN: { given: words('Wanjiru Otieno Achieng Kiprono Njeri Mwangi'), family: words('Kamau Odhiambo Wekesa Cheruiyot Mutua Kiptoo') },
};

const RANKS: Record<BorderType | 'GENERAL', [string, number][]> = {
  AIR: [['Immigration Officer', 30], ['Senior Immigration Officer', 15], ['Police Lieutenant', 20], ['Police Captain', 10], ['Inspector', 15], ['Sergeant', 10]],
  LAND: [['Border Police Officer', 30], ['Border Police Inspector', 15], ['Sergeant', 20], ['Lieutenant', 15], ['Captain', 8], ['Customs Officer', 12]],
  SEA: [['Marine Police Officer', 25], ['Port Security Inspector', 15], ['Immigration Officer', 20], ['Navy Lieutenant', 10], ['Customs Officer', 20], ['Sergeant', 10]],
  GENERAL: [['Inspector', 35], ['Chief Inspector', 25], ['Superintendent', 15], ['Police Lieutenant', 25]],
};

const COLUMNS = {
  course: { id: 'uuid', code: 'text', title: 'text', domain: 'text', level: 'text', duration_days: 'integer', description: 'text' },
  training_session: { id: 'uuid', course_id: 'uuid', starts_on: 'date', ends_on: 'date', host_country: 'text', place: 'text', trainer_organisation: 'text',
    capacity: 'integer', operation_id: 'uuid', cancelled_at: 'timestamptz', created_at: 'timestamptz' },
  participant: { id: 'uuid', full_name: 'text', rank: 'text', country: 'text', agency: 'text', service_number: 'text', checkpoint_id: 'uuid',
    handling_owner: 'text', handling_classification: 'text', handling_releasable_to: 'text[]', created_at: 'timestamptz' },
  enrollment: { id: 'uuid', session_id: 'uuid', participant_id: 'uuid', enrolled_at: 'timestamptz', score: 'integer', assessed_at: 'timestamptz',
    certified_on: 'date', certificate_number: 'text' },
} satisfies Record<string, Columns>;

interface ParticipantRow { id: string; country: string; created_at: Date; [column: string]: unknown }

/**
 * Loads the synthetic training data set: 13 courses, 24 sessions (20 preparing the four seeded
 * operations, one of them cancelled, and 4 outside any operation), about 300 officers from the
 * operations' countries and their enrolments, scores and certificates. Ids and values are fixed and
 * every insert skips existing ids, so running it again changes nothing.
 */
export async function seedTraining(em: EntityManager): Promise<void> {
  const rng = mulberry32(0x7ea_c4e5);
  const serviceNumbers = new Set<string>();
  const pools = new Map<string | null, ParticipantRow[]>();
  for (const [code, op] of Object.entries(OPERATIONS)) {
    pools.set(code, op.countries.flatMap((country) => officers(rng, serviceNumbers, country, OFFICERS_PER_COUNTRY[code], op.borderTypes)));
  }
  pools.set(null, GENERAL_COUNTRIES.flatMap((country) => officers(rng, serviceNumbers, country, GENERAL_OFFICERS_PER_COUNTRY, null)));
  const courses = new Map(COURSES.map((c) => [c.code, c]));
  const enrollments = SESSIONS.flatMap((session) => enrollmentRows(rng, session, courses.get(session.course)!, pools.get(session.operation ?? null)!));
  // Only officers drawn into at least one session are recorded: a participant is someone who trains.
  const enrolled = new Set(enrollments.map((e) => e.participant_id));
  const participants = [...pools.values()].flat().filter((p) => enrolled.has(p.id));
  await em.transactional(async (tx) => {
    await insertRows(tx, 'course', COURSES.map((c) => ({ id: seedId('course', c.code), code: c.code, title: c.title, domain: c.domain, level: c.level,
      duration_days: c.durationDays, description: c.description })));
    await insertRows(tx, 'training_session', SESSIONS.map(sessionRow));
    await insertRows(tx, 'participant', participants);
    await insertRows(tx, 'enrollment', enrollments);
  });
}

function insertRows(em: EntityManager, table: keyof typeof COLUMNS, rows: object[]): Promise<void> {
  return insertTable(em, table, COLUMNS[table], rows);
}

function sessionRow(s: SessionSeed) {
  return { id: seedId('training-session', s.key), course_id: seedId('course', s.course), starts_on: s.startsOn, ends_on: s.endsOn, host_country: s.hostCountry,
    place: s.place, trainer_organisation: s.trainer, capacity: s.capacity, operation_id: s.operation ? seedId('operation', s.operation) : null,
    cancelled_at: s.cancelledAt ?? null, created_at: new Date(Date.parse(`${s.startsOn}T09:00:00Z`) - 75 * DAY) };
}

/** `count` officers of one country's bureau; those trained for an operation mostly staff one of its kind of checkpoints at home. */
function officers(rng: Rng, used: Set<string>, country: string, count: number, borderTypes: BorderType[] | null): ParticipantRow[] {
  const names = NAMES[country];
  const agency = `ncb-${country.toLowerCase()}`;
  const checkpoints = (borderTypes ?? []).flatMap((type) => CHECKPOINTS[type].filter(([c]) => c === country).map(([c, name]) => seedId('checkpoint', `${c}:${name}`)));
  return Array.from({ length: count }, () => {
    let serviceNumber: string;
    do serviceNumber = `${country}-${String(int(rng, 100_000, 999_999))}`;
    while (used.has(serviceNumber));
    used.add(serviceNumber);
    const given = pick(rng, names.given);
    const family = pick(rng, names.family);
    return {
      id: seedId('participant', `${agency}:${serviceNumber}`),
      full_name: names.familyFirst ? `${family} ${given}` : `${given} ${family}`,
      rank: weighted(rng, RANKS[borderTypes ? borderTypes[0] : 'GENERAL']),
      country,
      agency,
      service_number: serviceNumber,
      checkpoint_id: checkpoints.length && rng() < 0.85 ? pick(rng, checkpoints) : null,
      handling_owner: agency,
      handling_classification: Classification.RESTRICTED,
      handling_releasable_to: ['hub'],
      created_at: new Date('2025-06-02T08:00:00Z'),
    };
  });
}

/** Sessions that ended before AS_OF are assessed (a few officers missed the test) and passing scores certified. */
function enrollmentRows(rng: Rng, session: SessionSeed, course: CourseSeed, pool: ParticipantRow[]) {
  const sessionId = seedId('training-session', session.key);
  const assessed = session.endsOn < AS_OF && !session.cancelledAt;
  return sample(rng, pool, Math.round(session.capacity * session.fill)).map((participant) => {
    const id = seedId('enrollment', `${session.key}:${participant.id}`);
    const score = assessed && rng() > 0.04 ? Math.max(30, Math.min(100, Math.round(79 + 11 * normal(rng)))) : null;
    const certifiedOn = score !== null && score >= PASS_MARK ? addDays(session.endsOn, int(rng, 0, 3)) : null;
    return {
      id, session_id: sessionId, participant_id: participant.id,
      enrolled_at: new Date(Date.parse(`${session.startsOn}T08:00:00Z`) - int(rng, 7, 35) * DAY - int(rng, 0, 9) * 3_600_000),
      score, assessed_at: score === null ? null : new Date(`${session.endsOn}T15:00:00Z`),
      certified_on: certifiedOn, certificate_number: certifiedOn ? certificateNumber(course.code, certifiedOn, id) : null,
    };
  });
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Standard normal draw (Box–Muller). */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function words(list: string): string[] {
  return list.split(' ');
}
