#include "core/yaml_guard.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "core/error.h"

namespace rl {
namespace {

// Counts yaml-cpp's events and stops the parser past `limit`, remembering the last line seen.
class EventBudget : public YAML::EventHandler {
 public:
  // Thrown through yaml-cpp to leave its loop.
  struct Stop {};

  explicit EventBudget(size_t limit) : limit_(limit) {}
  // Whether the parser was stopped.
  bool Exceeded() const { return exceeded_; }
  // The 1-based line of the last event with a position.
  int Line() const { return line_; }

  void OnDocumentStart(const YAML::Mark& m) override { Tick(m); }
  void OnDocumentEnd() override { Tick(); }
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { Tick(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { Tick(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Tick(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Tick(m);
  }
  void OnSequenceEnd() override { Tick(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Tick(m);
  }
  void OnMapEnd() override { Tick(); }

 private:
  void Tick(const YAML::Mark& m) {
    if (m.line >= 0) line_ = m.line + 1;
    Tick();
  }
  void Tick() {
    if (++events_ > limit_) {
      exceeded_ = true;
      throw Stop{};
    }
  }

  size_t limit_;
  size_t events_ = 0;
  bool exceeded_ = false;
  int line_ = 1;
};

}  // namespace

void RejectYamlCppHazards(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  EventBudget budget(2 * text.size() + 16);
  try {
    while (parser.HandleNextDocument(budget)) {
    }
  } catch (const EventBudget::Stop&) {
  }
  if (budget.Exceeded()) {
    throw UserError(file + ":" + std::to_string(budget.Line()) +
                    ": invalid YAML: the parser makes no progress here (a ',' outside [] or {}?); "
                    "a config is one map of settings (key: value), as in experiments/configs/");
  }
}

}  // namespace rl
