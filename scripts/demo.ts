/**
 * `npm run demo`: tells carve's story through its public HTTP API against a running carve
 * (CARVE_API_URL and CARVE_TOKEN, or what `npm start` saved in ./.data/credentials.json).
 * Safe to run again: every run makes its own customers. Exits 1 with the API's problem
 * detail when a step fails.
 */
import { ApiProblemError, CarveApi } from './demo/carve-api';
import { consoleTour } from './demo/console-tour';
import { demoContext } from './demo/demo-context';
import { runDemoStory } from './demo/demo-story';
import { DemoTargetError, resolveDemoTarget } from './demo/demo-target';
import { JobFailedError } from './demo/job-follower';
import { Narrator } from './demo/narrator';
import { DemoExpectationError } from './demo/server-actions';

async function main(): Promise<number> {
  const narrator = new Narrator();
  let target;
  try {
    target = resolveDemoTarget(process.env);
  } catch (error) {
    if (error instanceof DemoTargetError) {
      console.error(`demo: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const ctx = demoContext(new CarveApi(target.apiUrl, target.operatorToken), narrator, { dataDir: target.dataDir, env: process.env });
  narrator.raw(`carve demo ${ctx.stamp} against ${target.apiUrl} (operator token from ${target.source})`);
  const started = Date.now();
  try {
    const outcome = await runDemoStory(ctx);
    // The first running server is Acme's web: its console, web and SSH, and rescue and back.
    await consoleTour(ctx, outcome.running[0]!);
    narrator.raw('');
    narrator.raw(
      `demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outcome.running.map((s) => `${s.name} ${s.state}`).join(', ')}; ` +
        `${outcome.deleted.map((s) => `${s.name} ${s.state}`).join(', ')}` +
        `${outcome.moved ? `; ${outcome.moved.server.name} moved ${outcome.moved.from} -> ${outcome.moved.to}, ${outcome.moved.server.state}` : ''}` +
        `${outcome.dedicated ? '' : ' (dedicated host part skipped: no free host)'}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ApiProblemError) {
      console.error(`\ndemo failed: ${error.message}`);
      console.error(JSON.stringify(error.problem, null, 2));
      return 1;
    }
    if (error instanceof JobFailedError) {
      console.error(`\ndemo failed: ${error.message}`);
      for (const step of error.job.steps) console.error(`  ${step.status} ${step.name}${step.error ? `: ${step.error}` : ''}`);
      return 1;
    }
    if (error instanceof DemoExpectationError) {
      console.error(`\ndemo failed: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('demo: unexpected error:', error);
    process.exit(1);
  },
);
