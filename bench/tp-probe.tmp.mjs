// Temporary probe (not committed): where bucket → disk time goes.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../dist/index.js';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
const root = '/tmp/tp/run'; rmSync(root, { recursive: true, force: true }); mkdirSync(path.join(root, 'in'), { recursive: true }); mkdirSync(path.join(root, 's3'));
const png = readFileSync('fixtures/products/' + readdirSync('fixtures/products').find((n) => n.endsWith('.png')));
for (let i = 0; i < 1000; i++) writeFileSync(path.join(root, 'in', `img-${String(i).padStart(4, '0')}.png`), png);
const port = 45000 + Math.floor(Math.random() * 1000);
const child = spawn(process.execPath, ['node_modules/s3rver/bin/s3rver.js', '-d', path.join(root, 's3'), '-a', '127.0.0.1', '-p', String(port), '-s'], { stdio: 'ignore' });
const endpoint = `http://127.0.0.1:${port}`;
const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
for (let a = 0; ; a++) { try { await client.send(new CreateBucketCommand({ Bucket: 'bench-in' })); break; } catch (e) { if (a > 100) throw e; await new Promise(r => setTimeout(r, 100)); } }
const names = readdirSync(path.join(root, 'in'));
for (let at = 0; at < names.length; at += 16) await Promise.all(names.slice(at, at + 16).map(n => client.send(new PutObjectCommand({ Bucket: 'bench-in', Key: `small/${n}`, Body: readFileSync(path.join(root, 'in', n)) }))));
const emulator = await startEmulator({ echo: true, latency: { min: 100, max: 100 } });
const env = { ...process.env, PHOTOROOM_BASE_URL: emulator.url, PHOTOROOM_API_KEY: 'bench_key_0123456789', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint };
const time = (args, flags = []) => new Promise((resolve) => { const t = Date.now(); const c = spawn(process.execPath, [...flags, 'bin/photoroom.js', ...args], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'inherit'] }); let first = null; c.stdout.on('data', (d) => { if (first === null && d.toString().includes('"type":"result"')) first = Date.now() - t; }); c.on('exit', () => resolve({ ms: Date.now() - t, firstResult: first })); });
const common = ['--concurrency', '32', '--yes', '--json', '--no-progress'];
console.log('bucket prof', await time(['edit', 's3://bench-in/small/', '-o', path.join(root, 'o5'), ...common], ['--cpu-prof', '--cpu-prof-dir=/tmp/tp/prof']));
await emulator.close(); client.destroy(); child.kill();
