// Text from other people on a terminal (common/terminal_text.h): a corpus of
// hostile messages and names, none of which may act on the terminal or
// start a line of its own.
#include "backchannel/common/terminal_text.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace backchannel {
namespace {

// True when `s` holds no byte or sequence a terminal acts on.
bool Inert(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      return false;  // C1
    }
    if (c == 0xE2 && i + 2 < s.size()) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const auto b2 = static_cast<unsigned char>(s[i + 2]);
      if (b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xA8 && b2 <= 0xAE))) return false;
      if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return false;
    }
  }
  return true;
}

const std::vector<std::string>& HostileCorpus() {
  static const std::vector<std::string> corpus = {
      "\x1b[2J\x1b[H* Alice left the talks.",          // clear screen, fake notice
      "fine\n* bob (envoy of Iran) opened a channel",  // a forged system line
      "ok\r\nalice: I accept the package",             // a line attributed to another
      "yes\rbob: no",                                  // carriage return overwrite
      "\x1b]0;owned\x07title",                         // OSC window title
      "\x9b"
      "31mred",  // a raw C1 CSI byte (not UTF-8)
      "\xc2\x9b"
      "31mred",  // C1 CSI as UTF-8
      "\xe2\x80\xae"
      "evil\xe2\x80\xac",                     // RLO ... PDF
      "\xe2\x81\xa6isolate\xe2\x81\xa9",      // LRI ... PDI
      "line\xe2\x80\xa8sep\xe2\x80\xa9para",  // U+2028, U+2029
      "nel\xc2\x85next",                      // U+0085
      "del\x7f\x08\x08"
      "back",                                  // DEL, backspaces
      std::string("nul\0byte", 8),             // NUL
      "\xff\xfe not utf-8 \xc0\xaf overlong",  // invalid UTF-8
      "\xed\xa0\x80 surrogate",                // an encoded surrogate
  };
  return corpus;
}

TEST(TerminalTextTest, NothingInTheCorpusActsOnTheTerminal) {
  for (const auto& text : HostileCorpus()) {
    EXPECT_TRUE(Inert(NeutraliseForTerminal(text))) << NeutraliseForTerminal(text);
    for (const auto& line : DisplayLines(text)) {
      EXPECT_TRUE(Inert(line)) << line;
      EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    }
    const std::string name = DisplayName(text);
    EXPECT_TRUE(Inert(name)) << name;
    EXPECT_EQ(name.find('\n'), std::string::npos) << name;
  }
}

TEST(TerminalTextTest, ControlsBecomeVisibleEscapesAndPlainTextIsUntouched) {
  EXPECT_EQ(NeutraliseForTerminal("\x1b[31m"), "\\u001b[31m");
  EXPECT_EQ(NeutraliseForTerminal("a\tb\nc"), "a\tb\nc");
  EXPECT_EQ(NeutraliseForTerminal("\xe2\x80\xae"), "\\u202e");
  EXPECT_EQ(NeutraliseForTerminal("\xff"), "\xef\xbf\xbd");
  const std::string persian = "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xe2\x80\x8c ok";  // with ZWNJ
  EXPECT_EQ(NeutraliseForTerminal(persian), persian) << "ZWNJ and Arabic script stay";
}

TEST(TerminalTextTest, EveryLineBreakStartsADisplayLine) {
  EXPECT_EQ(DisplayLines("a\nb\r\nc\rd\xe2\x80\xa8"
                         "e\xc2\x85"
                         "f"),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(DisplayLines(""), std::vector<std::string>{""});
}

TEST(TerminalTextTest, NamesThatCouldPassForTheFrameAreQuoted) {
  EXPECT_EQ(DisplayName("Javad Zarif"), "Javad Zarif");
  EXPECT_EQ(DisplayName("alice: I agree"), "\"alice: I agree\"");
  EXPECT_EQ(DisplayName("* system"), "\"* system\"");
  EXPECT_EQ(DisplayName("  | bob"), "\"  | bob\"");
  EXPECT_EQ(DisplayName("you -> bob"), "\"you -> bob\"");
  EXPECT_EQ(DisplayName("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(DisplayName(""), "\"\"");
}

TEST(TerminalTextTest, AShellWordStaysOneArgumentWhateverItHolds) {
  EXPECT_EQ(ShellWord("Iran"), "'Iran'");
  EXPECT_EQ(ShellWord("European Union"), "'European Union'");
  EXPECT_EQ(ShellWord(""), "''");
  // A side named to break out of the quotes and run a second command.
  EXPECT_EQ(ShellWord("x'; rm -rf ~; echo '"), "'x'\\''; rm -rf ~; echo '\\'''");
  EXPECT_EQ(ShellWord("$(id) `id`"), "'$(id) `id`'");
}

TEST(TerminalTextTest, AShellReadsAShellWordBackAsTheSameText) {
  for (const std::string word : {"x'; touch /tmp/bc-pwned; echo '", "a b\tc", "$(id)", "''", ""}) {
    const std::string command = "printf %s " + ShellWord(word);
    FILE* pipe = popen(command.c_str(), "r");  // /bin/sh -c, as a pasted command would run
    ASSERT_NE(pipe, nullptr);
    std::string got;
    char buf[256];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) got.append(buf, n);
    ASSERT_EQ(pclose(pipe), 0) << command;
    EXPECT_EQ(got, word) << command;
  }
}

}  // namespace
}  // namespace backchannel
