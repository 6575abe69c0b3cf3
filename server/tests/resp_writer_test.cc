// server/tests/resp_writer_test.cc
// -----------------------------------------------------------------------------
// Every reply type in both protocols, byte for byte as redis-server 7.0 sends
// it: RESP2 keeps the bytes older clients parse, RESP3 the types HELLO 3
// clients expect.
#include "net/resp_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace cacheforge {
namespace {

std::string Encode(const Reply& reply, int protocol) {
  std::string out;
  AppendReply(reply, protocol, &out);
  return out;
}

std::vector<Reply> Bulks(std::initializer_list<const char*> texts) {
  std::vector<Reply> out;
  for (const char* t : texts) out.push_back(Reply::Bulk(t));
  return out;
}

TEST(RespWriter, Resp2TypesAreTheSameInBothProtocols) {
  for (int protocol : {2, 3}) {
    EXPECT_EQ(Encode(Reply::Ok(), protocol), "+OK\r\n");
    EXPECT_EQ(Encode(Reply::Error("ERR x"), protocol), "-ERR x\r\n");
    EXPECT_EQ(Encode(Reply::Integer(-7), protocol), ":-7\r\n");
    EXPECT_EQ(Encode(Reply::Bulk("ab"), protocol), "$2\r\nab\r\n");
    EXPECT_EQ(Encode(Reply::Array(Bulks({"a"})), protocol), "*1\r\n$1\r\na\r\n");
    EXPECT_EQ(Encode(Reply::None(), protocol), "");
  }
}

TEST(RespWriter, NullsAreOneTypeInResp3) {
  EXPECT_EQ(Encode(Reply::Null(), 2), "$-1\r\n");
  EXPECT_EQ(Encode(Reply::NullArray(), 2), "*-1\r\n");
  EXPECT_EQ(Encode(Reply::Null(), 3), "_\r\n");
  EXPECT_EQ(Encode(Reply::NullArray(), 3), "_\r\n");
}

TEST(RespWriter, DoublesAreBulkStringsInResp2) {
  EXPECT_EQ(Encode(Reply::Double(2.5), 2), "$3\r\n2.5\r\n");
  EXPECT_EQ(Encode(Reply::Double(2.5), 3), ",2.5\r\n");
  EXPECT_EQ(Encode(Reply::Double(0.1), 3), ",0.10000000000000001\r\n");
  EXPECT_EQ(Encode(Reply::Double(std::numeric_limits<double>::infinity()), 3), ",inf\r\n");
  EXPECT_EQ(Encode(Reply::Double(-std::numeric_limits<double>::infinity()), 2), "$4\r\n-inf\r\n");
}

TEST(RespWriter, MapsAreFlatArraysInResp2) {
  Reply map = Reply::Map(Bulks({"k1", "v1", "k2", "v2"}));
  EXPECT_EQ(Encode(map, 2), "*4\r\n$2\r\nk1\r\n$2\r\nv1\r\n$2\r\nk2\r\n$2\r\nv2\r\n");
  EXPECT_EQ(Encode(map, 3), "%2\r\n$2\r\nk1\r\n$2\r\nv1\r\n$2\r\nk2\r\n$2\r\nv2\r\n");
  EXPECT_EQ(Encode(Reply::Map({}), 3), "%0\r\n");
}

TEST(RespWriter, SetsAndPushesAreArraysInResp2) {
  EXPECT_EQ(Encode(Reply::Set(Bulks({"a"})), 2), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(Encode(Reply::Set(Bulks({"a"})), 3), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(Encode(Reply::Set({}), 3), "~0\r\n");
  EXPECT_EQ(Encode(Reply::Push(Bulks({"message"})), 2), "*1\r\n$7\r\nmessage\r\n");
  EXPECT_EQ(Encode(Reply::Push(Bulks({"message"})), 3), ">1\r\n$7\r\nmessage\r\n");
}

// WITHSCORES: member, score, member, score in RESP2; [member, score] pairs in
// RESP3.
TEST(RespWriter, PairArraysNestInResp3) {
  std::vector<Reply> flat;
  flat.push_back(Reply::Bulk("a"));
  flat.push_back(Reply::Double(1));
  flat.push_back(Reply::Bulk("b"));
  flat.push_back(Reply::Double(2));
  Reply pairs = Reply::PairArray(std::move(flat));
  EXPECT_EQ(Encode(pairs, 2), "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(Encode(pairs, 3), "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  EXPECT_EQ(Encode(Reply::PairArray({}), 3), "*0\r\n");
}

TEST(RespWriter, VerbatimAndBooleans) {
  EXPECT_EQ(Encode(Reply::Verbatim("id=1\n"), 2), "$5\r\nid=1\n\r\n");
  EXPECT_EQ(Encode(Reply::Verbatim("id=1\n"), 3), "=9\r\ntxt:id=1\n\r\n");
  EXPECT_EQ(Encode(Reply::Boolean(true), 2), ":1\r\n");
  EXPECT_EQ(Encode(Reply::Boolean(false), 3), "#f\r\n");
}

// The protocol reaches nested replies: an EXEC's array of RESP3 types.
TEST(RespWriter, NestedRepliesUseTheClientsProtocol) {
  std::vector<Reply> results;
  results.push_back(Reply::Double(1.5));
  results.push_back(Reply::Null());
  results.push_back(Reply::Map(Bulks({"f", "v"})));
  Reply exec = Reply::Array(std::move(results));
  EXPECT_EQ(Encode(exec, 3), "*3\r\n,1.5\r\n_\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Encode(exec, 2), "*3\r\n$3\r\n1.5\r\n$-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
}

}  // namespace
}  // namespace cacheforge
