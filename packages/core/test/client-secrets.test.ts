import { describe, expect, it } from '@jest/globals';
import { clientSecretsFromValues, InstalledOAuthError, parseClientSecrets } from '../src/index.js';

const installed = {
  client_id: '123-abc.apps.googleusercontent.com',
  project_id: 'my-project',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: 'https://oauth2.googleapis.com/token',
  auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
  client_secret: 'GOCSPX-not-a-real-secret',
  redirect_uris: ['http://localhost'],
};

function problemsOf(input: string | object, options = {}): string[] {
  try {
    parseClientSecrets(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InstalledOAuthError);
    expect((error as InstalledOAuthError).code).toBe('INVALID_CLIENT_SECRETS');
    return (error as InstalledOAuthError).details.problems as string[];
  }
  throw new Error('expected parseClientSecrets to throw');
}

describe('parseClientSecrets: valid files', () => {
  it('parses Google\'s "installed" (Desktop app) file', () => {
    const secrets = parseClientSecrets(JSON.stringify({ installed }));
    expect(secrets).toMatchObject({
      type: 'installed',
      clientId: installed.client_id,
      projectId: 'my-project',
      authorizationEndpoint: installed.auth_uri,
      tokenEndpoint: installed.token_uri,
      issuer: 'https://accounts.google.com',
      requiredRedirectUri: undefined,
      insecureTransport: false,
    });
    expect(secrets.clientSecret).toBe(installed.client_secret);
  });

  it('keeps the client secret out of JSON.stringify and inspection', () => {
    const secrets = parseClientSecrets({ installed });
    expect(JSON.stringify(secrets)).not.toContain(installed.client_secret);
    expect(Object.keys(secrets)).not.toContain('clientSecret');
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(parseClientSecrets(`\uFEFF${JSON.stringify({ installed })}`).clientId).toBe(
      installed.client_id,
    );
  });

  it('accepts a "web" client that has a loopback redirect URI, and requires exactly that URI', () => {
    const web = {
      ...installed,
      redirect_uris: ['https://example.com/cb', 'http://localhost:8080/callback'],
    };
    const secrets = parseClientSecrets({ web });
    expect(secrets.type).toBe('web');
    expect(secrets.requiredRedirectUri).toBe('http://localhost:8080/callback');
  });

  it('allows http endpoints on loopback hosts only when insecure transport is allowed', () => {
    const local = {
      ...installed,
      auth_uri: 'http://127.0.0.1:9999/o/oauth2/auth',
      token_uri: 'http://127.0.0.1:9999/token',
    };
    const secrets = parseClientSecrets({ installed: local }, { allowInsecureTransport: true });
    expect(secrets.insecureTransport).toBe(true);
    expect(secrets.issuer).toBe('http://127.0.0.1:9999');
    expect(problemsOf({ installed: local })).toEqual([
      '"installed.auth_uri" is plain http ("http://127.0.0.1:9999/o/oauth2/auth")',
      '"installed.token_uri" is plain http ("http://127.0.0.1:9999/token")',
    ]);
    // One message, one fix: the hint names the option, not a new Desktop app client.
    let hint: string | undefined;
    try {
      parseClientSecrets({ installed: local });
    } catch (error) {
      hint = (error as InstalledOAuthError).hint;
    }
    expect(hint).toBe(
      "Google's endpoints are https. For a local test server on a loopback address (the sandbox), pass the allowInsecureTransport option.",
    );
  });
});

describe('parseClientSecrets: every problem reported at once, by field', () => {
  it('reports invalid JSON with its line and column', () => {
    const [problem] = problemsOf('{\n  "installed": {\n    "client_id": "x",,\n  }\n}');
    expect(problem).toMatch(/^not valid JSON: .* at line 3, column \d+$/);
  });

  it.each([
    ['a stray character after the secret', '{"installed": {"client_secret": "GOCSPX-leak-me" x}}'],
    ['a word where a value goes', '{"installed": {"client_id": GOCSPX-leak-me}}'],
    ['text that is not JSON at all', 'GOCSPX-leak-me=1\nHOME=/root'],
    ['a truncated file', '{"installed": {"client_secret": "GOCSPX-leak-me'],
  ])('never quotes the file in a JSON error: %s', (_case, text) => {
    const [problem] = problemsOf(text);
    expect(problem).toMatch(/^not valid JSON: /);
    expect(problem).not.toContain('leak-me');
    expect(problem).not.toContain('HOME');
  });

  it('reports an empty file', () => {
    expect(problemsOf('  \n')).toEqual(['the file is empty']);
  });

  it('reports a non-object', () => {
    expect(problemsOf('[1,2]')).toEqual(['must contain a JSON object, got an array']);
    expect(problemsOf('"text"')).toEqual(['must contain a JSON object, got a string']);
  });

  it('reports neither top-level key, naming what it found', () => {
    expect(problemsOf({ desktop: installed })).toEqual([
      'expected a top-level "installed" (Desktop app) or "web" key; found "desktop"',
    ]);
  });

  it('reports both top-level keys', () => {
    expect(problemsOf({ installed, web: installed })[0]).toMatch(/both "installed" and "web"/);
  });

  it('recognises a service-account key given by mistake', () => {
    const [problem] = problemsOf({
      type: 'service_account',
      project_id: 'p',
      private_key: '-----BEGIN PRIVATE KEY-----',
    });
    expect(problem).toMatch(/service-account key, not an OAuth client/);
    expect(problem).not.toContain('BEGIN PRIVATE KEY');
  });

  it('recognises an authorized_user file given by mistake', () => {
    expect(
      problemsOf({
        type: 'authorized_user',
        client_id: 'x',
        client_secret: 'y',
        refresh_token: 'z',
      })[0],
    ).toMatch(/stored user credential \("authorized_user"/);
  });

  it('reports every missing or mistyped field together', () => {
    const problems = problemsOf({
      installed: { client_id: 42, client_secret: ['x'], redirect_uris: 'http://localhost' },
    });
    expect(problems).toEqual([
      '"installed.client_id" must be a non-empty string, got a number',
      '"installed.client_secret" must be a string, got an array',
      '"installed.auth_uri" is missing',
      '"installed.token_uri" is missing',
      '"installed.redirect_uris" must be an array of strings',
    ]);
  });

  it('refuses plain http to a non-loopback host even with insecure transport allowed', () => {
    const problems = problemsOf(
      { installed: { ...installed, token_uri: 'http://oauth2.googleapis.com/token' } },
      { allowInsecureTransport: true },
    );
    expect(problems).toEqual([
      expect.stringContaining('"installed.token_uri" must be an https URL'),
    ]);
  });

  it('refuses endpoints that are not text, or that carry credentials or a fragment', () => {
    expect(
      problemsOf({
        installed: {
          ...installed,
          auth_uri: 42,
          token_uri: 'https://user:pass@oauth2.googleapis.com/token#x',
        },
      }),
    ).toEqual([
      '"installed.auth_uri" must be a string, got a number',
      // The password is a secret: never repeated.
      '"installed.token_uri" must not contain credentials or a fragment, got "https://hidden@oauth2.googleapis.com/token#x"',
    ]);
  });

  it('quotes key names and addresses from the file without the characters that drive a terminal', () => {
    const clearScreen = '\u001b[2J';
    const clipboard = '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007';
    expect(problemsOf({ [`web${clearScreen}`]: {}, [`x\u202e${clipboard}`]: 1 })).toEqual([
      'expected a top-level "installed" (Desktop app) or "web" key; found "web [2J", "x  ]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA== "',
    ]);
    const [problem] = problemsOf({
      installed: { ...installed, auth_uri: `ht\u2028tp://evil.example/${clipboard}` },
    });
    expect(problem).toBe(
      '"installed.auth_uri" must be an https URL, got "ht tp://evil.example/ ]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA== "',
    );
  });

  it('reports an "installed" key that holds no object', () => {
    expect(problemsOf({ installed: ['client_id'] })).toEqual([
      '"installed" must be an object, got an array',
    ]);
  });

  it('recognises a workload identity federation file given by mistake', () => {
    expect(problemsOf({ type: 'external_account', audience: 'x' })[0]).toMatch(
      /workload identity federation configuration, not an OAuth client/,
    );
  });

  it('refuses endpoints that are not URLs', () => {
    expect(problemsOf({ installed: { ...installed, auth_uri: 'accounts.google.com' } })).toEqual([
      '"installed.auth_uri" must be an https URL, got "accounts.google.com"',
    ]);
  });

  it('reports __proto__ and constructor keys and does not pollute prototypes', () => {
    const text = `{"__proto__": {"polluted": true}, "installed": ${JSON.stringify({ ...installed }).replace('{', '{"constructor": {"prototype": {"polluted": true}},')}}`;
    const problems = problemsOf(text);
    expect(problems).toEqual([
      'unexpected key "__proto__" at the top level',
      'unexpected key "installed.constructor"',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('says to create a Desktop app client when a web client has no loopback redirect', () => {
    try {
      parseClientSecrets({
        web: { ...installed, redirect_uris: ['https://example.com/callback'] },
      });
      throw new Error('expected a throw');
    } catch (error) {
      const problem = error as InstalledOAuthError;
      expect(problem.message).toMatch(/"web.redirect_uris" has no loopback redirect URI/);
      expect(problem.hint).toMatch(/Desktop app/);
    }
  });

  it('names the source in the message', () => {
    expect(() => parseClientSecrets('{}', { source: '/home/me/client_secret.json' })).toThrow(
      /^\/home\/me\/client_secret.json is not a valid OAuth client file:/,
    );
  });

  it('refuses arguments that are neither text nor an object with a TypeError', () => {
    expect(() => parseClientSecrets(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('clientSecretsFromValues: a client given as values (no JSON to download)', () => {
  it("makes a Desktop app client with Google's endpoints, the secret kept out of sight", () => {
    const secrets = clientSecretsFromValues({
      clientId: ' 1234-abc.apps.googleusercontent.com ',
      clientSecret: 'GOCSPX-value',
    });
    expect(secrets).toMatchObject({
      type: 'installed',
      clientId: '1234-abc.apps.googleusercontent.com',
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/auth',
      tokenEndpoint: 'https://oauth2.googleapis.com/token',
      issuer: 'https://accounts.google.com',
    });
    expect(secrets.clientSecret).toBe('GOCSPX-value');
    expect(JSON.stringify(secrets)).not.toContain('GOCSPX-value');
  });

  it('names every value that is wrong, never quoting the secret', () => {
    const error = (() => {
      try {
        clientSecretsFromValues({
          clientId: 'not-a-client-id',
          clientSecret: 'GOCSPX has spaces',
          source: 'DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET',
        });
      } catch (caught) {
        return caught as InstalledOAuthError;
      }
      throw new Error('expected a throw');
    })();
    expect(error.code).toBe('INVALID_CLIENT_SECRETS');
    expect(error.message).toBe(
      'DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET do not make a usable Desktop app client:\n' +
        '  - the client ID does not end in ".apps.googleusercontent.com"\n' +
        '  - the client secret contains spaces',
    );
    expect(`${error.message} ${error.hint}`).not.toContain('GOCSPX');
    expect(() => clientSecretsFromValues(null as never)).toThrow(TypeError);
    expect(() =>
      clientSecretsFromValues({ clientId: 42, clientSecret: undefined } as never),
    ).toThrow(/the client ID is missing/);
    expect(() => clientSecretsFromValues({ clientId: '', clientSecret: '' })).toThrow(
      /the client ID is missing\n {2}- the client secret is missing/,
    );
  });
});
