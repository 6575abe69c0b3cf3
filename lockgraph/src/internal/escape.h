// Text escaped for the formats reports are written in: JSON strings, Graphviz
// DOT quoted strings, XML and HTML. One copy for the library (graph export,
// report formats) and the analyzer (dump renderers, `check` reports), which
// links it without the rest of the library.
//
// Every function takes arbitrary bytes. Valid UTF-8 passes through unchanged
// in all of them; only JSON, which its readers parse strictly, replaces what
// is not valid UTF-8 (a thread name cut inside a character, a Latin-1 path).
#ifndef LOCKGRAPH_SRC_INTERNAL_ESCAPE_H_
#define LOCKGRAPH_SRC_INTERNAL_ESCAPE_H_

#include <string>
#include <string_view>

namespace lockgraph::internal {

// `s` as a JSON string, quotes included (RFC 8259): `"` and `\` escaped,
// control characters as \n, \r, \t or \u00XX, each ill-formed UTF-8 sequence
// (a maximal subpart, as Unicode recommends) as U+FFFD.
std::string JsonQuoted(std::string_view s);
// The same, appended to `*out`.
void AppendJsonQuoted(std::string* out, std::string_view s);

// `s` as a DOT quoted string, quotes included: `"` and `\` escaped, a newline
// as \n (a centered line break in a label).
std::string DotQuoted(std::string_view s);

// `s` as HTML text or a double-quoted attribute value: `<`, `>`, `&` and `"`
// as character references.
std::string HtmlEscape(std::string_view s);

// `s` as XML 1.0 text or an attribute value in either quotes: `<`, `>`, `&`,
// `"` and `'` as entities, and the control characters XML 1.0 cannot carry
// even escaped (below 0x20 except tab, newline and carriage return) as `?`.
std::string XmlEscape(std::string_view s);

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_ESCAPE_H_
