// Runs the graphql-http server audits against a running gateway and exits
// non-zero when any audit fails: a MUST audit that errs, or a SHOULD audit
// that warns, since the gateway meets every SHOULD item too.
// Usage: node audit.mjs URL
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:8080/query');
  process.exit(2);
}

let passed = 0;
let failed = 0;
let warned = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  if (result.status === 'ok') {
    passed++;
    continue;
  }
  const reason = result.reason ?? '';
  if (result.status === 'error') {
    failed++;
    console.log(`FAIL ${audit.id} ${audit.name}: ${reason}`);
  } else {
    warned++;
    console.log(`warn ${audit.id} ${audit.name}: ${reason}`);
  }
}
console.log(`audit: ${passed} passed, ${failed} failed, ${warned} warnings`);
process.exit(failed > 0 || warned > 0 ? 1 : 0);
