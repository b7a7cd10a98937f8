/**
 * A small RFC 4180 CSV reader for the employee files of `hr onboard`: quoted fields may hold
 * commas, doubled quotes and line breaks; CRLF or LF line ends; a UTF-8 byte order mark is
 * ignored. The delimiter is `,` unless told otherwise (`;`, as spreadsheets write CSV in locales
 * whose decimal separator is a comma). Every record keeps the line number it starts on, so an invalid row is reported as
 * `line 12: ...`.
 *
 * Hand-written (about 100 lines) rather than a dependency: the format is fixed, the files are
 * small, and line numbers of records that span several lines are what the error messages need.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"

/**
 * One record and the 1-based line it starts on.
 *
 * @since 0.1.0
 * @category models
 */
export interface Record {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

/**
 * The file cannot be read as CSV (an unterminated quote, text after a closing quote), or its
 * header lacks a column. Nothing is sent when this happens.
 *
 * @since 0.1.0
 * @category errors
 */
export class CsvError extends Data.TaggedError("CsvError")<{
  readonly file: string
  readonly line: number
  readonly reason: string
}> {
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.file}:${this.line}: ${this.reason}`
  }
}

/**
 * Splits CSV text into records, fields separated by `delimiter` (default `,`). Blank lines are
 * skipped.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  text: string,
  file = "<csv>",
  delimiter: "," | ";" = ","
): Either.Either<ReadonlyArray<Record>, CsvError> => {
  const records: Array<Record> = []
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  const n = text.length
  while (i < n) {
    const start = line
    const fields: Array<string> = []
    let field = ""
    let end = false
    while (!end) {
      if (text[i] === "\"") {
        // A quoted field: up to the closing quote, "" is a quote, line breaks are kept.
        const quoteLine = line
        i++
        for (;;) {
          if (i >= n) return Either.left(new CsvError({ file, line: quoteLine, reason: "unterminated quoted field" }))
          const c = text[i]!
          if (c === "\"") {
            if (text[i + 1] === "\"") {
              field += "\""
              i += 2
              continue
            }
            i++
            break
          }
          if (c === "\n") line++
          field += c
          i++
        }
        const next = text[i]
        if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r") {
          return Either.left(new CsvError({ file, line, reason: "unexpected text after a closing quote" }))
        }
      } else {
        while (i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === "\"") {
            return Either.left(
              new CsvError({ file, line, reason: "a quote inside an unquoted field (quote the whole field)" })
            )
          }
          field += text[i]
          i++
        }
      }
      fields.push(field)
      field = ""
      const c = text[i]
      if (c === delimiter) {
        i++
      } else {
        if (c === "\r") i++
        if (text[i] === "\n") i++
        if (c !== undefined) line++
        end = true
      }
    }
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields })
  }
  return Either.right(records)
}

/**
 * Encodes one field: quoted when it holds a comma, a quote or a line break.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value
