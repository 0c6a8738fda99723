import { describe, expect, it } from 'vitest';
import { classifySecret, classifySecretValue, classifyUsername, sameSecret } from '../../app/credentials/classify.js';
import { Secret } from '../../app/secrets/secret.js';

// Shapes as scanners and Atlassian staff describe them (facts §2); bodies are made up.
const API_TOKEN = `ATATT3xFfGF0${'a1B2c3D4e5_F6g7H8-i9J0'.repeat(8)}=6F3A9B2C`;
const APP_PASSWORD = 'ATBBq7Xk2LmN9pR4sT6vW8yZ1aB3cD5eF7gH';
const LEGACY_APP_PASSWORD = 'q7Xk2LmN9pR4sT6vW8yZ';
const ACCESS_TOKEN = `ATCTT3xFfGN0${'Zz9Yy8Xx7Ww6Vv5Uu4Tt3'.repeat(8)}=0A1B2C3D`;
const DC_TOKEN = 'BBDC-NzM2NjQ5MDg1MTM2OlQ0yx8o2uBwbRlV7XyZ1a2b3c';
// base64("913469002218:" + 20 random bytes), the shape of older Data Center tokens
const DC_LEGACY_TOKEN = 'OTEzNDY5MDAyMjE4OvQ3k1n0Zb2YcRl8XqW4sTnUvPmL';

describe('classifySecretValue', () => {
  it.each([
    [API_TOKEN, 'api-token'],
    [APP_PASSWORD, 'app-password'],
    [LEGACY_APP_PASSWORD, 'app-password'],
    [ACCESS_TOKEN, 'access-token'],
    [DC_TOKEN, 'dc-token'],
    [DC_LEGACY_TOKEN, 'dc-legacy-token'],
    ['gho_16C7e42F292c6912E7710c838347Ae178B4a0123456789', 'unknown-token'],
    ['correct horse battery staple', 'account-password'],
    ['Hunter2!', 'account-password'],
    ['passwordpasswordpass', 'account-password'],
    ['ATAT-too-short', 'account-password'],
  ])('%s is %s', (value, kind) => {
    expect(classifySecretValue(value).kind).toBe(kind);
  });

  it('explains the verdict without repeating the secret', () => {
    const result = classifySecretValue(APP_PASSWORD);
    expect(result.because).toMatch(/ATBB/);
    expect(result.because).not.toContain(APP_PASSWORD.slice(4, 20));
    expect(classifySecretValue('Hunter2!').because).toBe('has 8 characters and no token shape');
  });

  it('classifies a Secret without exposing it', () => {
    expect(classifySecret(new Secret(API_TOKEN)).kind).toBe('api-token');
    expect(sameSecret(new Secret(API_TOKEN), new Secret(API_TOKEN))).toBe(true);
    expect(sameSecret(new Secret(API_TOKEN), new Secret(APP_PASSWORD))).toBe(false);
  });
});

describe('classifyUsername', () => {
  it.each([
    [null, 'none'],
    ['', 'none'],
    ['jane.doe@example.com', 'email'],
    ['x-bitbucket-api-token-auth', 'api-token-static'],
    ['x-token-auth', 'access-token-static'],
    [API_TOKEN, 'token'],
    ['jdoe', 'username'],
    ['jane_doe-42', 'username'],
  ])('%s is %s', (value, kind) => {
    expect(classifyUsername(value)).toBe(kind);
  });
});
