#include "inline_check/record_writer.h"

#include <thread>

namespace spamphibian::inline_check {

RecordWriter::RecordWriter(const redis::Connector& connector, metrics::Registry& metrics, std::size_t capacity)
    : client_(connector),
      dropped_(metrics
                   .AddCounter("spamphibian_inline_records_dropped_total",
                               "Records of spam checks (decision, review entry, audit) not written: Redis was "
                               "away long enough to fill the writer's queue or fail three tries.")
                   .With({})),
      queue_(capacity) {}

RecordWriter::~RecordWriter() { stopping_ = true; }  // then queue_ runs what is left, and joins

void RecordWriter::Write(std::vector<Emit> emits) {
  if (emits.empty()) return;
  if (!queue_.Submit([this, emits = std::move(emits)] { WriteNow(emits); })) dropped_.Inc();
}

void RecordWriter::WriteNow(const std::vector<Emit>& emits) {
  std::vector<redis::Args> commands;
  commands.push_back({"MULTI"});
  for (const Emit& e : emits) {
    redis::Args xadd = {"XADD", e.stream};
    if (e.maxlen > 0) {
      xadd.push_back("MAXLEN");
      xadd.push_back("~");
      xadd.push_back(std::to_string(e.maxlen));
    }
    xadd.push_back("*");
    for (const auto& [k, v] : e.fields) {
      xadd.push_back(k);
      xadd.push_back(v);
    }
    commands.push_back(std::move(xadd));
  }
  commands.push_back({"EXEC"});
  const int attempts = stopping_ ? 1 : 3;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    std::vector<redis::Reply> replies;
    if (client_.RunPipeline(commands, &replies).ok() && !replies.empty() && !redis::IsError(replies.back().get()) &&
        replies.back()->type == REDIS_REPLY_ARRAY) {
      return;
    }
    if (stopping_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * (attempt + 1)));
  }
  dropped_.Inc();
}

}  // namespace spamphibian::inline_check
