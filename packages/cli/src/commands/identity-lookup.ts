import { readFile } from 'node:fs/promises';
import { ExitCode, InputError, errorMessage, normalizeIp } from '@glia/core';
import { canonicalNetwork, IdentityBaseline, identityRecordData } from '@glia/enricher-identity';
import { reportError } from '../exit.js';

/**
 * `glia identity lookup FILE IP`: the record an MMDB holds for an address, as one JSON line with
 * the network that matched; exit 1 when the file has none.
 */
export async function identityLookupCommand(file: string, ip: string): Promise<number> {
  try {
    const address = normalizeIp(ip);
    if (address === null) throw new InputError(`${JSON.stringify(ip)} is not an IP address`);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (error) {
      throw new InputError(`${file}: ${errorMessage(error)}`);
    }
    let baseline: IdentityBaseline;
    try {
      baseline = new IdentityBaseline(body, file);
    } catch (error) {
      throw new InputError(errorMessage(error));
    }
    const match = baseline.lookup(address);
    if (match === null) {
      const why = baseline.lastProblem === null ? 'no record' : baseline.lastProblem;
      process.stderr.write(`${address}: ${why === 'no record' ? `not in ${file} (host/${address})` : why}\n`);
      return ExitCode.runtimeFailure;
    }
    const network = canonicalNetwork(`${address}/${match.prefix}`);
    process.stdout.write(
      `${JSON.stringify({ ip: address, network, ...identityRecordData(match.record) })}\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}
