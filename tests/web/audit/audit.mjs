// Audit a GraphQL-over-HTTP server with graphql-http and print the results as JSON.
//
//     node audit.mjs http://127.0.0.1:8000/graphql
//
// Prints one JSON array of {id, name, status, reason} ("ok", "warn" or "error"); exits 2
// on a usage error. Judging the results is the caller's job (tests/web/test_audit.py).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const results = await auditServer({ url });
const report = results.map(({ id, name, status, reason }) => ({
  id,
  name,
  status,
  reason: reason ?? null,
}));
console.log(JSON.stringify(report, null, 2));
