import { classifyError, PermanentJobError } from './job-errors';

describe('classifyError', () => {
  it('retries what the transport marks transient and fails at once on what it marks permanent', () => {
    expect(classifyError({ transient: true, code: 'DOM0_HOST_UNREACHABLE', message: 'refused' })).toEqual({ transient: true, code: 'host_unreachable', message: 'refused' });
    expect(classifyError(new PermanentJobError('insufficient_host_memory', 'no memory'))).toMatchObject({ transient: false, code: 'insufficient_host_memory' });
  });

  it('treats a lost or colliding database as transient, so a built server is not undone for it', () => {
    for (const code of ['57P01', '40001', '40P01', 'ECONNRESET']) {
      expect(classifyError({ driverError: { code }, message: 'terminating connection' })).toMatchObject({ transient: true, code: 'database_unavailable' });
    }
  });

  it('fails unknown errors at once, so a bug never loops', () => {
    expect(classifyError(new TypeError('x is undefined'))).toEqual({ transient: false, code: 'internal_error', message: 'x is undefined' });
    expect(classifyError({ code: '23505', message: 'duplicate key' })).toMatchObject({ transient: false });
  });
});
