// A real OpenID provider (the `oidc-provider` package) for the OIDC sign-in tests.
//
// Usage: node provider.mjs <client_id> <client_secret> <redirect_uri>
// Prints `listening <port>` once it serves on 127.0.0.1 (issuer http://127.0.0.1:<port>).
//
// The tests steer it over two control routes (never part of a real provider):
// - POST /__login {sub, email, email_verified, name}: who signs in at the next interaction.
//   The interaction then finishes by itself (login, then consent), as if that person had
//   typed their password and agreed.
// - POST /__tamper {mode}: how the next ID tokens from /token are spoiled: "none",
//   "expired" (exp in the past), "nonce" (another nonce), "foreign_key" (signed by a key the
//   provider never published), "issuer" (another iss), "audience" (another aud).
import http from 'node:http';
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK, SignJWT, decodeJwt } from 'jose';

const [clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!redirectUri) {
  console.error('usage: node provider.mjs <client_id> <client_secret> <redirect_uri>');
  process.exit(2);
}

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const { privateKey: foreignKey } = await generateKeyPair('RS256');

const accounts = new Map();
let nextLogin = null;
let tamper = 'none';

const server = http.createServer();
// Clients keep sockets for longer than node's five-second default; outlive them.
server.keepAliveTimeout = 120_000;
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['slugbase-tests-only'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
});
provider.proxy = false;

async function readJson(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

async function finishInteraction(ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  let result;
  if (details.prompt.name === 'login') {
    if (!nextLogin) {
      ctx.status = 400;
      ctx.body = 'no login prepared (POST /__login first)';
      return;
    }
    result = { login: { accountId: nextLogin } };
  } else {
    const grant = new provider.Grant({
      accountId: details.session.accountId,
      clientId: details.params.client_id,
    });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
  }
  const to = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.redirect(to);
}

async function spoil(idToken) {
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = privateKey;
  switch (tamper) {
    case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
    case 'nonce': claims.nonce = 'not-the-nonce-that-was-sent'; break;
    case 'foreign_key': key = foreignKey; break;
    case 'issuer': claims.iss = 'http://127.0.0.1:1'; break;
    case 'audience': claims.aud = 'someone-else'; break;
    default: return idToken;
  }
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key);
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/__login') {
    const { sub, ...claims } = await readJson(ctx.req);
    accounts.set(sub, claims);
    nextLogin = sub;
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'POST' && ctx.path === '/__tamper') {
    tamper = (await readJson(ctx.req)).mode || 'none';
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
    await finishInteraction(ctx);
    return;
  }
  await next();
  if (ctx.method === 'POST' && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token) };
  }
});

server.on('request', provider.callback());
console.log(`listening ${port}`);
