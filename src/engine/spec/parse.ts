/**
 * Experiment files are JSONC (comments and trailing commas allowed, as in VS Code settings).
 * Syntax errors become issues at the root pointer with a line:column in the message; a file that
 * parses is then validated by `validateExperiment`.
 */
import { ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import type { SpecIssue } from '../../shared/experiment';
import { ParseResult, validateExperiment } from './validate';

export type { ParseResult } from './validate';
export { validateExperiment } from './validate';

export function parseExperiment(text: string): ParseResult {
  const { value, issues } = parseJsonc(text);
  if (issues.length > 0) return { issues };
  return validateExperiment(value);
}

/** JSONC text → value, with syntax errors as located issues (no value when there are any). */
export function parseJsonc(text: string): { value?: unknown; issues: SpecIssue[] } {
  if (typeof text !== 'string' || text.trim() === '') {
    return { issues: [{ path: '', message: 'the file is empty: expected a JSON object', severity: 'error' }] };
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length === 0) return { value, issues: [] };
  const issues = errors.slice(0, 10).map((e): SpecIssue => {
    const { line, column } = lineColumn(text, e.offset);
    return { path: '', message: `syntax error at line ${line}:${column}: ${syntaxMessage(e)}`, severity: 'error' };
  });
  return { issues };
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

const FRIENDLY: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected content after the end of the JSON value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

function syntaxMessage(e: ParseError): string {
  const code = printParseErrorCode(e.error);
  return FRIENDLY[code] ?? code;
}
