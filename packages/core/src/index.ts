import 'reflect-metadata';
export { Bus, type SubscriberErrorHandler } from './bus/bus.js';
export type { GliaTopics, Topic, Payload, Handler } from './bus/topics.js';
export { BoundedQueue, type BoundedQueueOptions } from './bus/bounded-queue.js';
export { BoundedLru } from './bounded-lru.js';
export { MemoryBudget, MEMORY_SHARES, DEFAULT_MEMORY_MB, type MemoryStore } from './memory-budget.js';
export * from './events.js';
export type {
  Observation,
  ObservationPhase,
  FieldDefinition,
  FieldSpec,
  FieldResolve,
  FieldResolvers,
  FieldType,
  FieldValue,
} from './obs/observation.js';
export type { ConnectionFact } from './obs/fact.js';
export {
  declaredFields,
  resolverMismatch,
  runningDefinitions,
  absentDefinitions,
  type ProvidedField,
} from './plugin/fields.js';
export { edgeKey } from './obs/observation.js';
export type { Verdict, RuleAction } from './obs/verdict.js';
export { CORE_FIELDS, FieldResolver } from './obs/core-fields.js';
export { observationOf, senderIsClient, compareAddresses } from './obs/observe.js';
export { EnrichmentStage } from './obs/enrichment-stage.js';
export type {
  PluginFactory,
  AnyPluginFactory,
  PluginInstance,
  PluginDetails,
  ProbeResult,
  EnricherInstance,
  SinkInstance,
  PluginContext,
  PluginKind,
  HostFeature,
  JsonSchema,
} from './plugin/api.js';
export { factoryProblem, isEnricher, wantedFields } from './plugin/api.js';
export { PluginHealth, type Health, type HealthState } from './plugin/health.js';
export { PluginLoader, PluginLoadError, isPathReference, builtinPackage } from './plugin/loader.js';
export {
  BUILTIN_PLUGINS,
  BUILTIN_FIELD_NAMESPACES,
  SECTION_KIND,
  builtinOwnerOf,
  type PluginSection,
} from './plugin/builtin.js';
export { FieldCatalog } from './plugin/field-catalog.js';
export {
  loadConfigFile,
  loadConfigText,
  addPluginEntry,
  type LoadedConfig,
  type LoadedPlugin,
  type LoadOptions,
} from './config/load.js';
export {
  DEFAULT_HOME_NET,
  ruleEntrySchema,
  type AgentConfig,
  type NetworkSettings,
  type PluginEntry,
  type RuleEntry,
} from './config/agent-config.js';
export { buildSchema, createAjv } from './config/schema.js';
export {
  YAML_LIMITS,
  yamlLimitProblem,
  yamlToValues,
  parseYamlDocument,
  type YamlLimitProblem,
} from './config/yaml-limits.js';
export { substituteEnv, type Environment } from './config/env.js';
export {
  expandObserve,
  probeRung,
  describeChoice,
  describeRefusals,
  OBSERVE_LADDER,
  type ObserveChoice,
  type ObserveRung,
  type RungOutcome,
} from './config/observe.js';
export { formatPath } from './config/locate.js';
export { WallClock, PacketClock, type Clock } from './clock.js';
export { createLogger, silentLogger, type Logger, type LogLevel, type LoggerOptions } from './log.js';
export { MetricsRegistry, Counter, Gauge, type Labels } from './metrics.js';
export {
  parseIPv4,
  parseIPv6,
  formatIPv4,
  formatIPv6,
  normalizeIp,
  ipFamily,
  type IpFamily,
} from './net/ip.js';
export { CidrSet, parseCidr, type Cidr } from './net/cidr-set.js';
export { Ipv4TextCache } from './net/ipv4-text-cache.js';
export { defaultRouteDevices, defaultRoutesV4, defaultRoutesV6 } from './net/default-route.js';
export { hasFeature, missingFeatures, kernelVersion } from './host.js';
export { InputError, PluginError, ExitCode, errorMessage } from './errors.js';
export { closestName, editDistance } from './text/closest.js';
export { TOKENS, type FieldSource } from './tokens.js';
export { Runtime, type Stage, type PluginStatus, type RuntimeDeps } from './runtime/runtime.js';
export { Agent, createAgent, CONTAINER, type AgentOptions } from './runtime/agent.js';
export { AdminServer } from './runtime/admin-server.js';
export { AdminRoutes, type AdminHandler, type AdminResponse } from './runtime/admin-routes.js';
export { EnforcementBackends, type BannedEdge, type EnforcementBackend } from './enforcement.js';
