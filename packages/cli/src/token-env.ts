/**
 * The environment variable the control plane's bearer token may come from (a command line is
 * visible to all). Its own module: the help text names it without loading the command.
 */
export const TOKEN_ENV = 'GLIA_CONTROL_PLANE_TOKEN';
