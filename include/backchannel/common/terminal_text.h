// Text from other people (messages, display names, talks words, a relay's
// error text) made safe to print on a terminal. A peer must not be able to
// move the cursor, recolour or clear the screen, reorder what is shown
// (bidi overrides) or start a line that looks like a notice or another
// party's words.
//
//   NeutraliseForTerminal  every code point a terminal would act on — C0
//                          controls except '\n' and '\t', DEL, C1 controls,
//                          the bidi controls U+061C, U+200E-F, U+202A-E,
//                          U+2066-9, and U+2028/2029 — becomes the six
//                          characters "\uXXXX"; bytes that are not UTF-8
//                          become U+FFFD. Inside a JSON string the result
//                          is still valid JSON with the same value for
//                          every replaced code point, so the CLI can filter
//                          all its output, text and --json alike.
//   DisplayLines           splits a text into the lines it would show
//                          (\n, \r\n, \r, U+0085, U+2028, U+2029), each
//                          neutralised; the caller prints lines after the
//                          first behind a fixed continuation prefix.
//   DisplayName            a name on one line; quoted ("...", with \" and \\)
//                          when it could be mistaken for the frame around it
//                          (empty, leading or trailing space, ':', '*', '[',
//                          ']', '"', '|', "->", or a line break).
//   ShellWord              one word for a command line we suggest to the
//                          user (e.g. "trust add --side X"): single-quoted,
//                          each ' written as '\'' (POSIX Shell Command
//                          Language §2.2.2), so a peer's text in it stays
//                          one argument when pasted into a shell.
#ifndef BACKCHANNEL_COMMON_TERMINAL_TEXT_H_
#define BACKCHANNEL_COMMON_TERMINAL_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace backchannel {

std::string NeutraliseForTerminal(std::string_view text);
std::vector<std::string> DisplayLines(std::string_view text);
std::string DisplayName(std::string_view name);
std::string ShellWord(std::string_view word);

}  // namespace backchannel

#endif  // BACKCHANNEL_COMMON_TERMINAL_TEXT_H_
