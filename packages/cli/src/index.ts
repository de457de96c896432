export { main, buildProgram } from './program.js';
export { DEFAULT_CONFIG, DEMO_CAPTURE } from './default-config.js';
