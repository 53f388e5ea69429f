import { describe, expect, it } from 'vitest';
import { entitiesOf, mergeEntities } from '../../lambdas/core/alerts/entities.js';

describe('entitiesOf', () => {
  it('reads a CloudTrail event by its field conventions', () => {
    expect(
      entitiesOf({
        useridentity: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111122223333:user/alice',
          username: 'alice',
          accountid: '111122223333',
        },
        sourceipaddress: '198.51.100.23',
        recipientaccountid: '444455556666',
        resources: [{ arn: 'arn:aws:s3:::logs' }, { arn: 'arn:aws:s3:::logs/a' }],
      }),
    ).toEqual({
      user: ['alice'],
      ip: ['198.51.100.23'],
      account: ['444455556666'],
      resource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/a'],
    });
  });

  it('falls back along the conventions and skips a service name where an address would be', () => {
    expect(
      entitiesOf({
        useridentity: {
          type: 'AWSService',
          arn: null,
          sessioncontext: { sessionissuer: { username: 'ops' } },
        },
        sourceipaddress: 'cloudtrail.amazonaws.com',
        useridentity_accountid: 'x',
      }),
    ).toEqual({ user: ['ops'] });
  });

  it('reads a SQL rule’s result row by its column names, whatever their case', () => {
    expect(
      entitiesOf({
        user_name: 'bob',
        sourceIPAddress: '203.0.113.9',
        account_id: '1',
        host: '',
        failures: 7,
      }),
    ).toEqual({
      user: ['bob'],
      ip: ['203.0.113.9'],
      account: ['1'],
    });
  });

  it('reads a correlation’s group-by column named with the whole dotted Sigma field', () => {
    expect(entitiesOf({ 'userIdentity.arn': 'arn:aws:iam::1:user/x', event_count: 40 })).toEqual({
      user: ['arn:aws:iam::1:user/x'],
    });
  });

  it('merges sets keeping distinct values', () => {
    expect(mergeEntities({ user: ['a'], ip: ['1.1.1.1'] }, { user: ['a', 'b'] }, {})).toEqual({
      user: ['a', 'b'],
      ip: ['1.1.1.1'],
    });
  });
});
