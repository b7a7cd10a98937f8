/**
 * Readable output for people, with `@effect/printer` documents: tables with a bold header,
 * coloured status words, and the one-line error format. Rendered with ANSI styles on a terminal
 * and as plain text otherwise.
 *
 * @since 0.1.0
 */
import * as Ansi from "@effect/printer-ansi/Ansi"
import * as AnsiDoc from "@effect/printer-ansi/AnsiDoc"
import * as Doc from "@effect/printer/Doc"

const control = /[\u0000-\u001f\u007f-\u009f]/g

/**
 * Removes control characters (terminal escapes included) from text that came from a server or
 * a file.
 *
 * @since 0.1.0
 * @category utils
 */
export const clean = (text: string): string => text.replace(control, "?")

/**
 * Renders a document, with colours or as plain text.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (doc: AnsiDoc.AnsiDoc, color: boolean): string =>
  color
    ? AnsiDoc.render(doc, { style: "pretty", options: { lineWidth: 10_000 } })
    : Doc.render(Doc.unAnnotate(doc), { style: "pretty", options: { lineWidth: 10_000 } })

/**
 * A table: a bold header and one line per row, columns padded to their widest cell.
 *
 * @since 0.1.0
 * @category rendering
 */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  color: boolean
): string => {
  const cells = rows.map((row) => header.map((_, i) => clean(row[i] ?? "")))
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)))
  const line = (values: ReadonlyArray<string>, style?: Ansi.Ansi) =>
    Doc.hsep(values.map((v, i) => {
      const cell = i === values.length - 1 ? Doc.text(v) : Doc.fill(Doc.text(v), widths[i]!)
      return style === undefined ? cell : Doc.annotate(cell, style)
    }))
  const doc = Doc.vsep([line(header, Ansi.bold), ...cells.map((r) => line(r))])
  return render(doc, color).split("\n").map((l) => l.trimEnd()).join("\n")
}

/**
 * `label: value` lines, labels aligned.
 *
 * @since 0.1.0
 * @category rendering
 */
export const fields = (entries: ReadonlyArray<readonly [string, string]>, color: boolean): string => {
  const width = Math.max(0, ...entries.map(([k]) => k.length + 1))
  const doc = Doc.vsep(
    entries.map(([k, v]) => Doc.hsep([Doc.annotate(Doc.fill(Doc.text(`${k}:`), width), Ansi.bold), Doc.text(clean(v))]))
  )
  return render(doc, color)
}

/**
 * A word in a colour (green for success, yellow for warnings, red for errors).
 *
 * @since 0.1.0
 * @category rendering
 */
export const styled = (text: string, tone: "ok" | "warn" | "error" | "dim" | "bold", color: boolean): string =>
  render(
    Doc.annotate(
      Doc.text(clean(text)),
      tone === "ok"
        ? Ansi.green
        : tone === "warn"
        ? Ansi.yellow
        : tone === "error"
        ? Ansi.combine(Ansi.red, Ansi.bold)
        : tone === "dim"
        ? Ansi.blackBright
        : Ansi.bold
    ),
    color
  )

/**
 * The one-line error format: `error: <cause and fix>`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const errorLine = (message: string, color: boolean): string =>
  `${styled("error:", "error", color)} ${clean(message)}`

/**
 * JSON for machines: one document on stdout, pretty-printed.
 *
 * @since 0.1.0
 * @category rendering
 */
export const json = (value: unknown): string => JSON.stringify(value, null, 2)
