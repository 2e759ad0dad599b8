import { describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import { formErrorsFor, formErrorsFrom } from './form-errors.js';
import { serverMessageText } from './server-messages.js';
import { errorText } from './error-text.js';

const describeErr = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** A stand-in translator: `key{json}`. */
const t = (key: string, o?: Record<string, unknown>) =>
  o && Object.keys(o).length ? `${key}${JSON.stringify(o)}` : key;

describe('form errors from the server', () => {
  it('puts every validation issue beside its field, the first message per field', () => {
    const err = new PantauError('VALIDATION_ERROR', 'branch_code: letters', {
      field: 'branch_code',
      issues: [
        { field: 'branch_code', message: 'letters, digits, - and _ only' },
        { field: 'branch_code', message: 'second' },
        { field: 'city', message: 'Too small: expected string to have >=1 characters' },
      ],
    });
    expect(formErrorsFrom(err, ['branch_code', 'city'], describeErr)).toEqual({
      fields: {
        branch_code: 'letters, digits, - and _ only',
        city: 'Too small: expected string to have >=1 characters',
      },
      general: null,
    });
  });

  it('maps nested paths to the form field that holds them and strips a repeated field prefix', () => {
    const err = new PantauError('VALIDATION_ERROR', 'x', {
      issues: [{ field: 'scope_branch_ids.2', message: 'scope_branch_ids.2: unknown branch 99' }],
    });
    expect(formErrorsFrom(err, ['scope_branch_ids'], describeErr).fields).toEqual({
      scope_branch_ids: 'unknown branch 99',
    });
    const body = new PantauError('VALIDATION_ERROR', 'x', {
      issues: [{ field: 'body.province_code', message: 'bad' }],
    });
    expect(formErrorsFrom(body, ['province_code'], describeErr).fields).toEqual({ province_code: 'bad' });
  });

  it('uses details.field with the message when there are no issues (409 on a unique code)', () => {
    const err = new PantauError('CONFLICT', 'province_code JB already exists', { field: 'province_code' });
    expect(formErrorsFrom(err, ['province_code'], describeErr)).toEqual({
      fields: { province_code: 'province_code JB already exists' },
      general: null,
    });
  });

  it('keeps errors on fields the form lacks, and errors with no field, for the form as a whole', () => {
    const stray = new PantauError('VALIDATION_ERROR', 'x', {
      issues: [{ field: 'positions.0.stream_id', message: 'unknown stream' }],
    });
    expect(formErrorsFrom(stray, ['layout_name'], describeErr)).toEqual({
      fields: {},
      general: 'positions.0.stream_id: unknown stream',
    });
    expect(formErrorsFrom(new PantauError('FORBIDDEN', 'no'), ['a'], () => 'not allowed')).toEqual({
      fields: {},
      general: 'not allowed',
    });
    expect(formErrorsFrom(new Error('boom'), ['a'], describeErr)).toEqual({ fields: {}, general: 'boom' });
  });

  it('translates the messages it knows and the codes the console words itself', () => {
    const err = new PantauError('VALIDATION_ERROR', 'x', {
      issues: [
        { field: 'branch_code', message: 'letters, digits, - and _ only' },
        { field: 'latitude', message: 'Too big: expected number to be <=90' },
        { field: 'city', message: 'something new' },
      ],
    });
    expect(formErrorsFor(err, ['branch_code', 'latitude', 'city'], t).fields).toEqual({
      branch_code: 'serverMsg.codeChars',
      latitude: 'serverMsg.maxNumber{"max":"90"}',
      city: 'something new',
    });
    expect(formErrorsFor(new PantauError('UNAVAILABLE', 'cannot reach'), [], t).general).toBe('errors.unavailable');
    expect(errorText(new PantauError('OUT_OF_SCOPE', 'x'), t)).toBe('errors.forbidden');
    expect(errorText(new PantauError('CONFLICT', 'as the server said'), t)).toBe('as the server said');
  });

  it('recognises the schemas’ messages', () => {
    expect(serverMessageText('Too small: expected string to have >=1 characters', t)).toBe('serverMsg.required');
    expect(serverMessageText('at least 8 characters', t)).toBe('password.rule');
    expect(serverMessageText('device_id BDG-CAM-01 already exists', t)).toBe('serverMsg.taken');
    expect(serverMessageText('a user with email a@b.c exists', t)).toBe('serverMsg.taken');
    expect(serverMessageText('must be an rtsp(s)://, http(s):// or ws(s):// URL', t)).toBe('serverMsg.urlScheme');
    expect(serverMessageText('the current password is wrong', t)).toBe('password.wrongCurrent');
    expect(serverMessageText('anything else', t)).toBe('anything else');
  });
});
