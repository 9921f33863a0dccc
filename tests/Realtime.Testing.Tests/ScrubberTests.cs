using System.Text.RegularExpressions;
using Realtime.Testing;

namespace Realtime.Testing.Tests;

public class ScrubberTests
{
    [Fact]
    public void Registered_ids_are_numbered_in_order_and_stable()
    {
        var scrubber = new Scrubber();
        Assert.Equal("{sid1}", scrubber.Id("pByPedtLY8PnLZs-AAAA", "sid"));
        Assert.Equal("{sid2}", scrubber.Id("Q036fs-FEbrHgx_sAAAB", "sid"));
        Assert.Equal("{sid1}", scrubber.Id("pByPedtLY8PnLZs-AAAA", "sid"));

        var text = scrubber.Scrub("0{\"sid\":\"pByPedtLY8PnLZs-AAAA\"} then Q036fs-FEbrHgx_sAAAB and pByPedtLY8PnLZs-AAAA");

        Assert.Equal("0{\"sid\":\"{sid1}\"} then {sid2} and {sid1}", text);
    }

    [Fact]
    public void Default_patterns_cover_ports_guids_times_and_tokens()
    {
        var text = Scrubber.Default().Scrub(
            "GET http://127.0.0.1:41234/ from localhost:5000, again 127.0.0.1:41234\n" +
            "id 3f2504e0-4f89-11d3-9a0c-0305e82c3301 at 2026-11-21T22:46:18.123Z\n" +
            "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl");

        Assert.Equal(
            "GET http://127.0.0.1:{port}/ from localhost:{port2}, again 127.0.0.1:{port}\n" +
            "id {guid1} at {time}\n" +
            "token {jwt1}",
            text);
    }

    [Fact]
    public void A_pattern_with_a_value_group_replaces_only_the_value()
    {
        var scrubber = new Scrubber().AddPattern(new Regex("id=(?<value>[a-z]+)"), "id");

        Assert.Equal("id={id1}&x=1&id={id2}&id={id1}", scrubber.Scrub("id=abc&x=1&id=def&id=abc"));
    }
}
