import { ExitCode, errorMessage } from '@glia/core';

/** `glia status`: asks a running agent's admin endpoint for plugin health. */
export async function statusCommand(options: { url: string }): Promise<number> {
  try {
    const response = await fetch(new URL('/status', options.url));
    const body = (await response.json()) as {
      plugins: Array<{
        name: string;
        kind: string;
        type: string;
        health: { state: string; reason?: string };
      }>;
    };
    for (const p of body.plugins) {
      const reason = p.health.reason ? `  ${p.health.reason}` : '';
      process.stdout.write(`${p.kind.padEnd(8)} ${p.name.padEnd(20)} ${p.health.state}${reason}\n`);
    }
    return body.plugins.some((p) => p.health.state === 'failed') ? ExitCode.runtimeFailure : ExitCode.ok;
  } catch (error) {
    process.stderr.write(
      `glia status: cannot reach ${options.url}: ${errorMessage(error)} (is admin.listen set?)\n`,
    );
    return ExitCode.runtimeFailure;
  }
}
