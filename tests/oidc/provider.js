// A real OpenID Connect provider (the `oidc-provider` package) on loopback, for the single
// sign-on tests. Started by the `oidc_provider` fixture of tests/oidc_provider.py, which passes:
//   OIDC_PORT     the port to listen on (127.0.0.1 only)
//   OIDC_JWKS     {"keys": [private JWK]}: the signing keys, made by the fixture
//   OIDC_CLIENTS  [{client_id, client_secret, ...}]: the registered clients
//   OIDC_USERS    a JSON file {login: {email, email_verified, name}}, read at every log-in
//   OIDC_CLOCK_OFFSET  seconds this provider's clock is off (a provider two minutes slow)
// A client whose id ends in "-short-lived" gets ID tokens valid for one second: from a slow
// provider they arrive already expired (the test of an expired token through the whole flow).
// The provider's own login form (its "dev interactions") asks for a login and any password;
// the login names an entry of OIDC_USERS. Consent is implied (a first-party client, as with
// a municipality's admin-consented enterprise application), so no consent page follows.
import fs from 'node:fs';

const offset = Number(process.env.OIDC_CLOCK_OFFSET || 0) * 1000;
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}
const { default: Provider } = await import('oidc-provider');

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const usersFile = process.env.OIDC_USERS;
const CALLBACK_PATH = '/inloggen/sso/callback';

function users() {
  return JSON.parse(fs.readFileSync(usersFile, 'utf8'));
}

const configuration = {
  clients: JSON.parse(process.env.OIDC_CLIENTS).map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [`http://localhost${CALLBACK_PATH}`],
    ...client,
  })),
  jwks: JSON.parse(process.env.OIDC_JWKS),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  pkce: { required: () => true },
  ttl: {
    IdToken: (ctx, token, client) => (client.clientId.endsWith('-short-lived') ? 1 : 3600),
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key-of-the-loopback-provider'] },
  async findAccount(ctx, id) {
    const claims = users()[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  async loadExistingGrant(ctx) {
    // Grant what the client asks for, without a consent page.
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
// The app under test is served from a free port (the e2e server) or as "localhost" (Flask's
// test client): any loopback address with the callback path is this client's redirect URI.
const exact = provider.Client.prototype.redirectUriAllowed;
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  try {
    const url = new URL(value);
    if (['127.0.0.1', 'localhost'].includes(url.hostname) && url.pathname === CALLBACK_PATH
        && url.protocol === 'http:' && !url.search && !url.hash) {
      return true;
    }
  } catch {
    return false;
  }
  return exact.call(this, value);
};
provider.on('server_error', (ctx, error) => console.error('oidc-provider server_error', error));

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
