// The string grammar of label selectors, as k8s.io/apimachinery/pkg/labels:
//
//   selector    ::= requirement | requirement "," selector
//   requirement ::= ["!"] KEY [ set-based | exact ]
//   set-based   ::= ("in" | "notin") "(" VALUE ("," VALUE)* ")"
//   exact       ::= ("=" | "==" | "!=" | ">" | "<") VALUE
//
// A lexer turns the input into tokens (each with its byte offset), then a
// recursive-descent parser with one token of lookahead builds requirements.
// "in" and "notin" are keywords only where an operator may appear; as keys and
// values they are identifiers. Messages follow upstream's word for word, with
// " at position N" appended (N is the byte offset of the offending token).
#include <string>
#include <vector>

#include "api/labels/label_selector.h"
#include "api/labels/label_validation.h"

namespace skiff::api {
namespace {

enum class Tok {
  kError,
  kEnd,
  kClosedPar,
  kComma,
  kNot,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

struct Token {
  Tok tok;
  std::string lit;
  size_t pos;
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecial(char c) {
  switch (c) {
    case '=':
    case '!':
    case '(':
    case ')':
    case ',':
    case '>':
    case '<':
      return true;
    default:
      return false;
  }
}

// The literal tokens; "in" and "notin" are the only ones made of identifier characters.
bool LiteralToken(std::string_view s, Tok* tok) {
  static constexpr std::pair<std::string_view, Tok> kTokens[] = {
      {")", Tok::kClosedPar},     {",", Tok::kComma},    {"!", Tok::kNot},
      {"==", Tok::kDoubleEquals}, {"=", Tok::kEquals},   {">", Tok::kGreaterThan},
      {"in", Tok::kIn},           {"<", Tok::kLessThan}, {"!=", Tok::kNotEquals},
      {"notin", Tok::kNotIn},     {"(", Tok::kOpenPar},
  };
  for (const auto& [text, t] : kTokens) {
    if (s == text) {
      *tok = t;
      return true;
    }
  }
  return false;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> Scan() {
    std::vector<Token> out;
    while (true) {
      out.push_back(Lex());
      if (out.back().tok == Tok::kEnd) return out;
    }
  }

 private:
  // Like upstream, a NUL byte reads as 0 and so ends an identifier or the input.
  char Read() {
    if (pos_ < s_.size()) return s_[pos_++];
    return 0;
  }
  void Unread() { --pos_; }

  Token Lex() {
    char ch = Read();
    while (IsWhitespace(ch)) ch = Read();
    if (ch == 0) return {Tok::kEnd, "", pos_ < s_.size() ? pos_ - 1 : s_.size()};
    Unread();
    size_t start = pos_;
    Token t = IsSpecial(ch) ? ScanSpecial() : ScanIdentifier();
    t.pos = start;
    return t;
  }

  Token ScanIdentifier() {
    std::string buf;
    while (true) {
      char ch = Read();
      if (ch == 0) break;
      if (IsSpecial(ch) || IsWhitespace(ch)) {
        Unread();
        break;
      }
      buf += ch;
    }
    Tok tok;
    if (LiteralToken(buf, &tok)) return {tok, std::move(buf), 0};
    return {Tok::kIdentifier, std::move(buf), 0};
  }

  // The longest run of special characters that is still a token ("!=" over "!").
  Token ScanSpecial() {
    std::string buf;
    bool have = false;
    Token last{Tok::kError, "", 0};
    while (true) {
      char ch = Read();
      if (ch == 0) break;
      if (!IsSpecial(ch)) {
        Unread();
        break;
      }
      buf += ch;
      Tok tok;
      if (LiteralToken(buf, &tok)) {
        last = {tok, buf, 0};
        have = true;
      } else if (have) {
        Unread();
        break;
      }
    }
    if (!have) return {Tok::kError, "error expected: keyword found '" + buf + "'", 0};
    return last;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// A parse failure: the message and the offset it points at.
struct ParseError {
  std::string message;
  size_t pos;
};

class Parser {
 public:
  explicit Parser(std::string_view s) : items_(Lexer(s).Scan()) {}

  // On failure returns false and fills err_.
  bool Parse(std::vector<LabelRequirement>* out) {
    while (true) {
      const Token& t = Lookahead();
      switch (ValueContext(t.tok)) {
        case Tok::kIdentifier:
        case Tok::kNot: {
          if (!ParseRequirement(out)) {
            err_.message = "unable to parse requirement: " + err_.message;
            return false;
          }
          const Token& next = Consume();
          Tok next_tok = ValueContext(next.tok);
          if (next_tok == Tok::kEnd) return true;
          if (next_tok == Tok::kComma) {
            const Token& after = Lookahead();
            Tok after_tok = ValueContext(after.tok);
            if (after_tok != Tok::kIdentifier && after_tok != Tok::kNot) {
              return Fail("found '" + after.lit + "', expected: identifier after ','", after);
            }
            continue;
          }
          return Fail("found '" + next.lit + "', expected: ',' or 'end of string'", next);
        }
        case Tok::kEnd:
          return true;
        default:
          return Fail("found '" + t.lit + "', expected: !, identifier, or 'end of string'", t);
      }
    }
  }

  const ParseError& error() const { return err_; }

 private:
  // Where a value may appear, "in" and "notin" are plain identifiers.
  static Tok ValueContext(Tok t) {
    return t == Tok::kIn || t == Tok::kNotIn ? Tok::kIdentifier : t;
  }

  const Token& Lookahead() const { return items_[pos_]; }
  const Token& Consume() {
    const Token& t = items_[pos_];
    if (pos_ + 1 < items_.size()) ++pos_;  // the end token repeats forever
    return t;
  }

  bool Fail(std::string message, const Token& at) {
    err_ = {std::move(message), at.pos};
    return false;
  }

  bool ParseRequirement(std::vector<LabelRequirement>* out) {
    const Token& first = items_[pos_];
    std::string key;
    LabelOperator op = LabelOperator::kEquals;
    bool unary = false;
    if (!ParseKeyAndInferOperator(&key, &op, &unary)) return false;
    std::vector<std::string> values;
    if (!unary) {
      if (!ParseOperator(&op)) return false;
      bool ok = (op == LabelOperator::kIn || op == LabelOperator::kNotIn)
                    ? ParseValues(&values)
                    : ParseExactValue(&values);
      if (!ok) return false;
    }
    auto r = LabelRequirement::Make(std::move(key), op, std::move(values));
    if (!r.ok()) return Fail(r.status().message(), first);
    out->push_back(std::move(r).value());
    return true;
  }

  bool ParseKeyAndInferOperator(std::string* key, LabelOperator* op, bool* unary) {
    const Token* t = &Consume();
    bool negated = false;
    if (t->tok == Tok::kNot) {
      negated = true;
      t = &Consume();
    }
    if (ValueContext(t->tok) != Tok::kIdentifier) {
      return Fail("found '" + t->lit + "', expected: identifier", *t);
    }
    auto problems = LabelKeyProblems(t->lit);
    if (!problems.empty()) {
      std::string joined;
      for (const auto& p : problems) joined += (joined.empty() ? "" : "; ") + p;
      // Upstream validates the key against a nil field path, hence "<nil>".
      return Fail("<nil>: Invalid value: " + QuoteValue(t->lit) + ": " + joined, *t);
    }
    *key = t->lit;
    Tok next = ValueContext(Lookahead().tok);
    if (negated) {
      *op = LabelOperator::kDoesNotExist;
      *unary = true;
    } else if (next == Tok::kEnd || next == Tok::kComma) {
      *op = LabelOperator::kExists;
      *unary = true;
    }
    return true;
  }

  bool ParseOperator(LabelOperator* op) {
    const Token& t = Consume();
    switch (t.tok) {
      case Tok::kIn:
        *op = LabelOperator::kIn;
        return true;
      case Tok::kEquals:
      case Tok::kDoubleEquals:
        *op = LabelOperator::kEquals;
        return true;
      case Tok::kGreaterThan:
        *op = LabelOperator::kGreaterThan;
        return true;
      case Tok::kLessThan:
        *op = LabelOperator::kLessThan;
        return true;
      case Tok::kNotIn:
        *op = LabelOperator::kNotIn;
        return true;
      case Tok::kNotEquals:
        *op = LabelOperator::kNotEquals;
        return true;
      default:
        return Fail("found '" + t.lit + "', expected: in, notin, =, ==, !=, gt, lt", t);
    }
  }

  // "(" values ")"; "()" is the set holding only "".
  bool ParseValues(std::vector<std::string>* values) {
    const Token& open = Consume();
    if (ValueContext(open.tok) != Tok::kOpenPar) {
      return Fail("found '" + open.lit + "' expected: '('", open);
    }
    const Token& t = Lookahead();
    switch (ValueContext(t.tok)) {
      case Tok::kIdentifier:
      case Tok::kComma: {
        if (!ParseIdentifierList(values)) return false;
        const Token& close = Consume();
        if (ValueContext(close.tok) != Tok::kClosedPar) {
          return Fail("found '" + t.lit + "', expected: ')'", close);
        }
        return true;
      }
      case Tok::kClosedPar:
        Consume();
        values->push_back("");
        return true;
      default:
        return Fail("found '" + t.lit + "', expected: ',', ')' or identifier", t);
    }
  }

  // A possibly empty list of possibly empty identifiers: "a,,b", ",a", "a,".
  bool ParseIdentifierList(std::vector<std::string>* values) {
    while (true) {
      const Token& t = Consume();
      switch (ValueContext(t.tok)) {
        case Tok::kIdentifier: {
          values->push_back(t.lit);
          const Token& next = Lookahead();
          Tok next_tok = ValueContext(next.tok);
          if (next_tok == Tok::kComma) continue;
          if (next_tok == Tok::kClosedPar) return true;
          return Fail("found '" + next.lit + "', expected: ',' or ')'", next);
        }
        case Tok::kComma: {
          if (values->empty()) values->push_back("");  // "(,"
          Tok next_tok = ValueContext(Lookahead().tok);
          if (next_tok == Tok::kClosedPar) {
            values->push_back("");  // ",)"
            return true;
          }
          if (next_tok == Tok::kComma) values->push_back("");  // ",,"
          continue;
        }
        default:
          return Fail("found '" + t.lit + "', expected: ',', or identifier", t);
      }
    }
  }

  // The one value after =, ==, !=, >, <; nothing before "," or the end means "".
  bool ParseExactValue(std::vector<std::string>* values) {
    Tok next = ValueContext(Lookahead().tok);
    if (next == Tok::kEnd || next == Tok::kComma) {
      values->push_back("");
      return true;
    }
    const Token& t = Consume();
    if (ValueContext(t.tok) == Tok::kIdentifier) {
      values->push_back(t.lit);
      return true;
    }
    return Fail("found '" + t.lit + "', expected: identifier", t);
  }

  std::vector<Token> items_;
  size_t pos_ = 0;
  ParseError err_;
};

}  // namespace

Result<LabelSelector> ParseLabelSelector(std::string_view selector) {
  Parser parser(selector);
  std::vector<LabelRequirement> reqs;
  if (!parser.Parse(&reqs)) {
    return Status::BadRequest(parser.error().message + " at position " +
                              std::to_string(parser.error().pos));
  }
  return LabelSelector::FromRequirements(std::move(reqs));
}

}  // namespace skiff::api
