import { describe, expect, it } from 'vitest';
import { parseComplex } from '../../lambdas/adapters/aws/athena-complex.js';
import type { ColumnType } from '../../lambdas/core/schema/types.js';
import { cloudtrailSchema } from '../../lambdas/core/sources/cloudtrail/schema.js';

const typeOf = (name: string): ColumnType => {
  const column = cloudtrailSchema.columns.find((c) => c.name === name);
  if (!column) throw new Error(`no column ${name}`);
  return column.type;
};

describe("parsing Athena's text for ROW and ARRAY values", () => {
  it('reads a struct by its known fields, with commas, = and braces inside values, and nested nulls', () => {
    const type: ColumnType = {
      struct: {
        a: 'string',
        n: 'bigint',
        ok: 'boolean',
        at: 'timestamp',
        inner: { struct: { x: 'string' } },
        d: 'double',
      },
    };
    const text = '{a=x, y=z}, b=1, n=-42, ok=true, at=2026-11-20 10:15:00.500, inner=null, d=0.25}';
    expect(parseComplex(text, 'row', type)).toEqual({
      a: 'x, y=z}, b=1',
      n: '-42',
      ok: true,
      at: '2026-11-20 10:15:00.5',
      inner: null,
      d: 0.25,
    });
  });

  it('reads CloudTrail useridentity and resources as the lake types them', () => {
    const useridentity = parseComplex(
      '{type=AssumedRole, principalid=AROAEXAMPLE:mallory, arn=arn:aws:sts::111122223333:assumed-role/ops/mallory, accountid=111122223333, accesskeyid=ASIAEXAMPLE, username=null, invokedby=null, identityprovider=null, credentialid=null, sessioncontext={attributes={creationdate=2026-11-20T09:00:00Z, mfaauthenticated=false}, sessionissuer={type=Role, principalid=AROAEXAMPLE, arn=arn:aws:iam::111122223333:role/ops, accountid=111122223333, username=ops}, sourceidentity=null, ec2roledelivery=null}}',
      'row',
      typeOf('useridentity'),
    ) as Record<string, unknown>;
    expect(useridentity.arn).toBe('arn:aws:sts::111122223333:assumed-role/ops/mallory');
    expect(useridentity.username).toBeNull();
    expect(
      (useridentity.sessioncontext as Record<string, Record<string, unknown>>).sessionissuer?.username,
    ).toBe('ops');
    expect(
      parseComplex(
        '[{arn=arn:aws:s3:::logs, accountid=111122223333, type=AWS::S3::Bucket}, null]',
        'array',
        typeOf('resources'),
      ),
    ).toEqual([{ arn: 'arn:aws:s3:::logs', accountid: '111122223333', type: 'AWS::S3::Bucket' }, null]);
    expect(parseComplex('[]', 'array', typeOf('resources'))).toEqual([]);
  });

  it('reads arrays and rows it has no type for as text, and leaves text that does not parse as it is', () => {
    expect(parseComplex('[r0, null, r12]', 'array')).toEqual(['r0', null, 'r12']);
    expect(parseComplex('{k=v, n=1, empty=null}', 'row')).toEqual({ k: 'v', n: '1', empty: null });
    expect(parseComplex('{}', 'map')).toEqual({});
    expect(parseComplex('not a row', 'row')).toBe('not a row');
    expect(parseComplex('{a=1}', 'row', { struct: { b: 'string' } })).toBe('{a=1}');
    expect(parseComplex('{a=1}', 'row', { struct: { a: 'boolean' } })).toBe('{a=1}');
  });
});
