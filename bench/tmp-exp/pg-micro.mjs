import pg from 'pg';
import fs from 'node:fs';
import crypto from 'node:crypto';
const { startMode } = await import('/work/main/bench/scale-modes.mjs');
const { PostgresTokenPath } = await import('/work/main/dist/storage/postgres/postgres-token-path.js');
const target = await startMode('postgres-2');
await target.stop_only_children?.();
const url = (() => { const u = new URL(process.env.KEYGATE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'); return u; })();
// find the bench database
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }); await admin.connect();
const { rows } = await admin.query("select datname from pg_database where datname like 'keygate_bench_%' order by oid desc limit 1");
url.pathname = '/' + rows[0].datname;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
const mode = process.env.PLAN ?? '';
if (mode) pool.on('connect', (c) => c.query(`set plan_cache_mode = ${mode}`));
const tp = new PostgresTokenPath(pool);
function pgCpu() { let tot = 0; for (const d of fs.readdirSync('/proc')) { if (!/^\d+$/.test(d)) continue; try { const s = fs.readFileSync(`/proc/${d}/stat`,'utf8'); const name = s.slice(s.indexOf('(')+1, s.lastIndexOf(')')); if (name.startsWith('postgres')) { const f = s.slice(s.lastIndexOf(')')+2).split(' '); tot += Number(f[11]) + Number(f[12]); } } catch {} } return tot * 10000; }
const B = Number(process.env.B ?? 6), ITER = Number(process.env.ITER ?? 2000);
const ev = (i) => ({ id: crypto.randomUUID(), at: new Date(), appId: 'a1', appName: 'Bench', userId: 'u1', username: 'bench@keygate.test', grant: 'jwt-bearer', credential: 'assertion', clientAddress: '127.0.0.1', outcome: 'success', errorCode: null, reason: 'ok', certificateFingerprint: 'ab'.repeat(32), jtiHash: crypto.randomBytes(16).toString('hex'), scope: 'api' });
async function round() {
  const c0 = pgCpu(), s0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < ITER; i++) {
    await Promise.all(Array.from({ length: B }, () => tp.commitIssue({ replay: { namespace: 'bench-app', key: crypto.randomUUID(), expiresAtSeconds: Math.floor(Date.now()/1000)+300 }, opaque: null, event: ev() })));
  }
  const wall = performance.now() - t0, c1 = pgCpu(), s1 = process.cpuUsage(s0);
  console.log(JSON.stringify({ plan: mode || 'auto', B, per_stmt_us: Math.round(wall * 1000 / ITER), pg_cpu_per_stmt_us: Math.round((c1 - c0) / ITER), node_cpu_per_stmt_us: Math.round((s1.user + s1.system) / ITER) }));
}
try { await round(); await round(); await round(); } finally { await tp.close(); await pool.end(); await admin.end(); await target.stop(); }
