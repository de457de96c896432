export {
  translatePcre,
  execPattern,
  type TranslatedPattern,
  type TranslationOutcome,
} from './regex/translate.js';
export { parsePcre, type PcreFlags, type ParsedPcre } from './regex/pcre-parser.js';
export { PcreSyntaxError } from './regex/pcre-ast.js';
export { ByteSet } from './regex/byte-set.js';
