#include "core/h5.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "core/error.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("h5 attributes round-trip", "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "a.h5").string();
  {
    h5::File f = h5::File::Create(path);
    f.WriteStringAttr("text", "héllo\nworld");
    f.WriteIntAttr("n", -42);
    f.WriteDoubleAttr("x", 0.125);
    h5::Group g = f.CreateGroup("a/b");
    g.WriteIntAttr("n", 1);
    g.WriteIntAttr("n", 2);  // overwrite keeps one attribute
    f.WriteStringAttr("empty", "");
  }
  h5::File f = h5::File::OpenReadOnly(path);
  CHECK(f.ReadStringAttr("text") == "héllo\nworld");
  CHECK(f.ReadIntAttr("n") == -42);
  CHECK(f.ReadDoubleAttr("x") == 0.125);
  CHECK(f.ReadDoubleAttr("n") == -42.0);
  CHECK(f.ReadStringAttr("empty").empty());
  CHECK(f.OpenGroup("a/b").ReadIntAttr("n") == 2);
  CHECK(f.OpenGroup("a").OpenGroup("b").Name() == "/a/b");
  CHECK(f.HasAttr("text"));
  CHECK_FALSE(f.HasAttr("nope"));
  CHECK_THROWS_WITH(f.ReadIntAttr("nope"), Contains("no attribute 'nope' on '/'"));
  CHECK_THROWS_WITH(f.ReadIntAttr("text"), Contains("attribute 'text' on '/' is not a single"));
}

TEST_CASE("h5 fixed datasets round-trip in every dtype and 2-D", "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "d.h5").string();
  const std::vector<double> f64 = {1.5, -2.0, NAN};
  const std::vector<int64_t> i64 = {INT64_MIN, 0, INT64_MAX};
  const std::vector<uint8_t> u8 = {0, 1, 255};
  std::vector<float> block(3 * 4);
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<float>(i) * 0.5f;
  {
    h5::File f = h5::File::Create(path);
    f.Write<double>("f64", f64);
    f.Write<int64_t>("g/i64", i64);
    f.Write<uint8_t>("g/u8", u8);
    f.Write<float>("g/h/block", block, {3, 4});
    f.Write<double>("empty", std::vector<double>{});
    f.Write<double>("f64", std::vector<double>{7.0});  // replaces
    CHECK_THROWS_WITH(f.Write<float>("bad", block, {5, 4}), Contains("dims hold 20 values"));
  }
  h5::File f = h5::File::OpenReadOnly(path);
  CHECK(f.Read<double>("f64") == std::vector<double>{7.0});
  CHECK(f.Read<int64_t>("g/i64") == i64);
  CHECK(f.OpenGroup("g").Read<uint8_t>("u8") == u8);
  h5::Dims dims;
  CHECK(f.Read<float>("g/h/block", &dims) == block);
  CHECK(dims == h5::Dims{3, 4});
  CHECK(f.Read<double>("g/h/block")[5] == 2.5);
  CHECK(f.Read<double>("empty").empty());
  // "f64" was replaced, so it comes last in creation order
  CHECK(f.Children() == std::vector<std::string>{"g", "empty", "f64"});
  CHECK(f.IsGroup("g"));
  CHECK_FALSE(f.IsGroup("f64"));
  CHECK_FALSE(f.Has("g/nope/x"));
}

TEST_CASE("h5 appendable datasets grow - truncate and reopen", "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "app.h5").string();
  {
    h5::File f = h5::File::Create(path);
    h5::Appendable<double> x = f.CreateAppendable<double>("x");
    h5::Appendable<int64_t> rows = f.CreateGroup("g").CreateAppendable<int64_t>("rows", 3);
    h5::Appendable<uint8_t> flags = f.CreateAppendable<uint8_t>("flags");
    f.StartSwmrWrite();
    for (int i = 0; i < 1000; ++i) x.Append(i * 0.5);
    rows.AppendRows(std::vector<int64_t>{1, 2, 3, 4, 5, 6});
    rows.AppendRows(std::vector<int64_t>{7, 8, 9});
    CHECK_THROWS_WITH(rows.AppendRows(std::vector<int64_t>{1, 2}),
                      Contains("2 values are not whole rows of 3"));
    flags.Append(1);
    flags.Append(0);
    x.Resize(10);
    x.Append(-1.0);
    f.Flush();
    CHECK(x.Rows() == 11);
    CHECK(rows.Rows() == 3);
    CHECK(rows.Cols() == 3);
    CHECK(rows.ReadAll()[8] == 9);
  }
  h5::File f = h5::File::OpenReadWrite(path);
  h5::Appendable<double> x = f.OpenAppendable<double>("x");
  CHECK(x.Rows() == 11);
  x.Append(2.0);
  const std::vector<double> all = x.ReadAll();
  REQUIRE(all.size() == 12);
  CHECK(all[9] == 4.5);
  CHECK(all[10] == -1.0);
  CHECK(all[11] == 2.0);
  h5::Dims dims;
  CHECK(f.Read<int64_t>("g/rows", &dims).size() == 9);
  CHECK(dims == h5::Dims{3, 3});
  CHECK(f.Read<uint8_t>("flags") == std::vector<uint8_t>{1, 0});
  f.Write<double>("fixed", std::vector<double>{1.0});
  CHECK_THROWS_WITH(f.OpenAppendable<double>("fixed"), Contains("'/fixed' is not appendable"));
}

TEST_CASE("h5 failures are one-line UserErrors naming the file and object", "[unit]") {
  testing::TempDir dir;
  const std::string missing = (dir.Path() / "missing.h5").string();
  CHECK_THROWS_AS(h5::File::OpenReadOnly(missing), UserError);
  CHECK_THROWS_WITH(h5::File::OpenReadOnly(missing), missing + ": no such file");
  const std::string text = dir.Write("run.h5", "this is not hdf5\n");
  CHECK_THROWS_WITH(h5::File::OpenReadOnly(text), text + ": not an HDF5 file");
  CHECK_THROWS_WITH(h5::File::OpenReadWrite(text, true), text + ": not an HDF5 file");
  CHECK_THROWS_WITH(h5::File::OpenReadOnly(dir.Path().string()), Contains("is a folder"));
  CHECK_THROWS_WITH(h5::File::Create((dir.Path() / "no/such/x.h5").string()),
                    Contains("does not exist"));

  const std::string path = (dir.Path() / "ok.h5").string();
  h5::File::Create(path).CreateGroup("episodes");
  h5::File f = h5::File::OpenReadOnly(path);
  CHECK_THROWS_WITH(f.Read<double>("episodes/return"), path + ": no dataset '/episodes/return'");
  CHECK_THROWS_WITH(f.OpenGroup("episodes").Read<double>("return"),
                    path + ": no dataset '/episodes/return'");
  CHECK_THROWS_WITH(f.Read<double>("episodes"), path + ": '/episodes' is not a dataset");
  CHECK_THROWS_WITH(f.OpenGroup("eval"), path + ": no group '/eval'");
  CHECK_THROWS_AS(f.WriteIntAttr("x", 1), UserError);
}

}  // namespace
}  // namespace rl
