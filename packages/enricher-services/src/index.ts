import type { PluginFactory } from '@glia/core';
import { checkServicesConfig, resolveServicesConfig, servicesConfigSchema } from './config.js';
import { SERVICE_FIELDS } from './fields.js';
import { ServicesEnricher } from './plugin.js';

export {
  parseProbeFile,
  type Probe,
  type ProbeFile,
  type ProbeFileError,
  DEFAULT_RARITY,
} from './probes/probe-file.js';
export { parseMatchLine, type MatchLine, type VersionTemplates } from './probes/match-line.js';
export { parsePortList, portListHas, type PortList, type PortRange } from './probes/port-list.js';
export { unescapeProbeString } from './probes/probe-string.js';
export {
  translatePcre,
  execPattern,
  type TranslatedPattern,
  type TranslationOutcome,
} from './regex/translate.js';
export { parsePcre, type PcreFlags, type ParsedPcre } from './regex/pcre-parser.js';
export { PcreSyntaxError } from './regex/pcre-ast.js';
export { substituteTemplates, transformCpe, type VersionInfo } from './version/substitute.js';
export { ServiceDatabase, type CompiledProbe, type DatabaseStats } from './match/service-database.js';
export {
  ResponseMatcher,
  MATCHER_DEFAULTS,
  CUT_MARK,
  type MatcherOptions,
  type ServiceIdentification,
} from './match/response-matcher.js';
export { requestProbe } from './match/request-probe.js';
export { BannerDetector, type BannerVerdict } from './passive/banner-detector.js';
export {
  NodeServiceStore,
  MAX_PORTS_PER_NODE,
  type NodeServices,
  type PortService,
} from './passive/node-services.js';
export { ServicesEnricher } from './plugin.js';
export {
  ActiveProber,
  ACTIVE_DEFAULTS,
  type ActiveConfig,
  type ProberCounters,
} from './active/active-prober.js';
export { probePlan, isTlsPort, DEFAULT_INTENSITY, type PlanOptions } from './active/probe-plan.js';
export { RateLimiter } from './active/rate-limiter.js';
export { SERVICE_FIELDS } from './fields.js';
export {
  servicesConfigSchema,
  resolveServicesConfig,
  SERVICES_DEFAULTS,
  type ServicesConfig,
} from './config.js';

/** The `services` enricher factory. */
export const plugin: PluginFactory<Parameters<typeof resolveServicesConfig>[0], ServicesEnricher> = {
  type: 'services',
  kind: 'enricher',
  description: 'service, product and version per server port from banners, with nmap-service-probes',
  configSchema: servicesConfigSchema,
  fields: SERVICE_FIELDS,
  checkConfig: checkServicesConfig,
  create: (ctx, config) => new ServicesEnricher(ctx, resolveServicesConfig(config, ctx.memory)),
};

export default plugin;
