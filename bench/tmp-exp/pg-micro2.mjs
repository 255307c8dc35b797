import pg from 'pg';
import fs from 'node:fs';
import crypto from 'node:crypto';
const { startMode } = await import('/work/main/bench/scale-modes.mjs');
const target = await startMode('postgres-2');
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }); await admin.connect();
const { rows } = await admin.query("select datname from pg_database where datname like 'keygate_bench_%' order by oid desc limit 1");
const url = new URL('postgres://postgres@127.0.0.1:5432/'); url.pathname = '/' + rows[0].datname;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4, options: process.env.OPTS ?? undefined });
function pgCpu() { let tot = 0; for (const d of fs.readdirSync('/proc')) { if (!/^\d+$/.test(d)) continue; try { const s = fs.readFileSync(`/proc/${d}/stat`,'utf8'); const name = s.slice(s.indexOf('(')+1, s.lastIndexOf(')')); if (name.startsWith('postgres')) { const f = s.slice(s.lastIndexOf(')')+2).split(' '); tot += Number(f[11]) + Number(f[12]); } } catch {} } return tot * 10000; }
const B = Number(process.env.B ?? 6), ITER = Number(process.env.ITER ?? 2000);
const cols = ['id','at','app_id','app_name','user_id','username','grant_type','credential','client_address','outcome','error_code','reason','certificate_fingerprint','jti_hash','scope'];
const types = { at: 'bigint' };
const JSONQ = `WITH req AS (
  SELECT * FROM json_to_recordset($1::json) AS r(i int, namespace text, jti text, expires_at_s bigint, ${cols.map((c) => `${c} ${types[c] ?? 'text'}`).join(', ')})
), spent AS (
  INSERT INTO used_jti (namespace, jti, expires_at_s) SELECT namespace, jti, expires_at_s FROM req WHERE jti IS NOT NULL ON CONFLICT DO NOTHING RETURNING namespace, jti
), fresh AS (
  SELECT * FROM req WHERE jti IS NULL OR (namespace, jti) IN (SELECT namespace, jti FROM spent)
), events AS (
  INSERT INTO login_history (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM fresh
) SELECT i FROM fresh`;
const row = (i) => ({ i, namespace: 'bench-app', jti: crypto.randomUUID(), expires_at_s: Math.floor(Date.now()/1000)+300, id: crypto.randomUUID(), at: Date.now(), app_id: 'a1', app_name: 'Bench', user_id: 'u1', username: 'bench@keygate.test', grant_type: 'jwt-bearer', credential: 'assertion', client_address: '127.0.0.1', outcome: 'success', error_code: null, reason: 'ok', certificate_fingerprint: 'ab'.repeat(32), jti_hash: crypto.randomBytes(16).toString('hex'), scope: 'api' });
const ARRQ = `WITH req AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[], ${cols.map((c, n) => `$${n + 5}::${types[c] ?? 'text'}[]`).join(', ')}) AS r(i, namespace, jti, expires_at_s, ${cols.join(', ')})
), spent AS (
  INSERT INTO used_jti (namespace, jti, expires_at_s) SELECT namespace, jti, expires_at_s FROM req WHERE jti IS NOT NULL ON CONFLICT DO NOTHING RETURNING namespace, jti
), fresh AS (
  SELECT * FROM req WHERE jti IS NULL OR (namespace, jti) IN (SELECT namespace, jti FROM spent)
), events AS (
  INSERT INTO login_history (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM fresh
) SELECT i FROM fresh`;
const variant = process.env.V ?? 'json';
async function one() {
  const rs = Array.from({ length: B }, (_, i) => row(i));
  if (variant === 'json') return pool.query({ name: 'j', text: JSONQ, values: [JSON.stringify(rs)] });
  if (variant === 'select1') return pool.query({ name: 's', text: 'select 1' });
  if (variant === 'jti') return pool.query({ name: 'jt', text: 'INSERT INTO used_jti (namespace, jti, expires_at_s) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING', values: [rs.map(r=>r.namespace), rs.map(r=>r.jti), rs.map(r=>r.expires_at_s)] });
  const keys = ['i','namespace','jti','expires_at_s', ...cols];
  return pool.query({ name: 'a', text: ARRQ, values: keys.map((k) => rs.map((r) => r[k])) });
}
async function round() {
  const c0 = pgCpu(), s0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < ITER; i += 2) await Promise.all([one(), one()]);
  const wall = performance.now() - t0, c1 = pgCpu(), s1 = process.cpuUsage(s0);
  console.log(JSON.stringify({ variant, opts: process.env.OPTS ?? '', B, per_stmt_us: Math.round(wall * 1000 / ITER), pg_cpu_per_stmt_us: Math.round((c1 - c0) / ITER), node_cpu_per_stmt_us: Math.round((s1.user + s1.system) / ITER) }));
}
try { await round(); await round(); await round(); } finally { await pool.end(); await admin.end(); await target.stop(); }
