/**
 * The one DynamoDB table's shape, shared by the CDK stack and the local store so they never drift.
 *
 * pk                 sk                 what
 * USER#<userId>      PROFILE            user settings; gsi1 = DUE#<utc hour> while a digest is scheduled
 * ADDR#<email>       ADDR               which user owns an address
 * USER#<userId>      CONTACT#<email>    contact summary (stats, recent dates, notes); lsi1 = CONTACT#<check-in bound>#<email>
 * USER#<userId>      MSG#<key>          interaction (one per captured mail or note); lsi1 = <date>#<key>
 * USER#<userId>      PROMISE#<id>       promise
 * USER#<userId>      DIGEST#<weekOf>    digest sent that week, with its numbered items
 * USER#<userId>      DISTRUST           wordings the user marked "not a promise"
 * USER#<userId>      ONCE#<key>         one-time markers: processed replies, notices sent (expire by TTL)
 * IMPORT#<fileId>    PROGRESS           resumable `nurture ingest` checkpoint
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const DUE_INDEX = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
/** Interactions by date (dates sort below "C"), and contacts by descending check-in bound for the digest. */
export const LOCAL_INDEX = { name: 'lsi1', sortKey: 'lsi1sk' } as const;
/**
 * What the local index carries besides keys: what the digest reads of contacts and of this week's mail — not the
 * bookkeeping (`seen`, `lastBatch`, references), so the index stays small. Items read from it are read-only views.
 */
export const LOCAL_INDEX_ATTRIBUTES = [
  'email', 'name', 'org', 'firstContacted', 'lastContacted', 'count', 'recentDates', 'lastSubject', 'replies', 'metAt', 'notes',
  'lastSuggested', 'ignoredSuggestions', 'skipUntil', 'checkedInAt', 'coRecipients',
  'key', 'kind', 'date', 'recipients',
] as const;
/**
 * The version of the contact rank key (`checkinBound`'s formula and constants). A local table whose contacts were
 * ranked by another version is re-ranked when opened; on AWS, by `nurture table upgrade` (see docs/deploy.md).
 */
export const CONTACT_RANK_VERSION = 3;
/** Local tables record the schema they were built for here. */
export const SCHEMA_MARKER = { pk: 'NURTURE#SCHEMA', sk: 'SCHEMA' } as const;
/** The slot up to which the dispatcher last completed a run; the only item the dispatcher writes. */
export const DISPATCH_MARK = { pk: 'NURTURE#DISPATCH', sk: 'LAST' } as const;
/** Epoch seconds; expired items (import checkpoints, reply replay markers) are removed by TTL on AWS. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The table's keys and indexes in CreateTable form. The local store creates exactly this, and the infra tests
 * assert that the CDK stack synthesizes the same, so local and AWS tables cannot drift apart.
 */
export const TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
    { AttributeName: DUE_INDEX.partitionKey, AttributeType: 'S' },
    { AttributeName: DUE_INDEX.sortKey, AttributeType: 'S' },
    { AttributeName: LOCAL_INDEX.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: DUE_INDEX.name,
      KeySchema: [
        { AttributeName: DUE_INDEX.partitionKey, KeyType: 'HASH' },
        { AttributeName: DUE_INDEX.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: LOCAL_INDEX.name,
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: LOCAL_INDEX.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: LOCAL_INDEX_ATTRIBUTES },
    },
  ],
} as const;
