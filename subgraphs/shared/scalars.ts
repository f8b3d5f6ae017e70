import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '../../platform/errors';
import { DateTimeISOResolver } from 'graphql-scalars';

/** ISO 3166-1 alpha-3 codes (the ICAO codes on travel documents are the same for states). */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  `ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH
   BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB
   CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO
   GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN
   IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA
   MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER
   NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU
   RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA
   TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT
   WLF WSM YEM ZAF ZMB ZWE`.split(/\s+/),
);

function parseCountry(value: unknown): string {
  if (typeof value !== 'string' || !COUNTRY_CODES.has(value)) {
    throw badUserInput(`${JSON.stringify(value)} is not a country code: use an ISO 3166-1 alpha-3 code in capitals, such as FRA, THA or NGA`);
  }
  return value;
}

/** A country, validated wherever it enters the hub so that no resolver sees an unknown code. */
export const CountryCode = new GraphQLScalarType({
  name: 'CountryCode',
  description: 'An ISO 3166-1 alpha-3 country code in capitals, such as FRA, THA or NGA.',
  serialize: (value) => value,
  parseValue: parseCountry,
  parseLiteral: (ast) => parseCountry(ast.kind === Kind.STRING ? ast.value : undefined),
});

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseLocalDate(value: unknown): string {
  if (typeof value !== 'string' || !LOCAL_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw badUserInput(`${JSON.stringify(value)} is not a calendar date: use YYYY-MM-DD, such as 2026-03-14`);
  }
  return value;
}

/** A calendar day without time zone, as operations and sessions are planned. */
export const LocalDate = new GraphQLScalarType({
  name: 'LocalDate',
  description: 'A calendar date in ISO 8601 form YYYY-MM-DD, without time or time zone.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
  parseValue: parseLocalDate,
  parseLiteral: (ast) => parseLocalDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** type-graphql reflection map: a TypeScript `Date` is always an ISO 8601 date-time. */
export const scalarsMap = [{ type: Date, scalar: DateTimeISOResolver }];
