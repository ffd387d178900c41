/* bench/ns3/tcp_flow.cc - ns-3's half of the TCP sender's validation
 * (bench/tcp_flow.c is npusim's): one TCP flow, BulkSend to PacketSink,
 * TcpCubic (or TcpNewReno) with SACK, over a point-to-point link of
 * RATE_BPS and DELAY_NS with an unbounded drop-tail queue, the data
 * segments at the given relative sequence numbers (ns-3's initial sequence
 * is 0, so the first data byte is 1) dropped at the receiver on their first
 * arrival. The settings follow npusim's Linux 2.6.32 sender and receiver
 * where ns-3 has the knob: MSS 1448, initial window 3, minimum RTO 200 ms,
 * 1 ms clock, timestamps and window scaling, a 256 KB receive buffer,
 * delayed ACKs every second segment or after 40 ms; loss recovery PRR
 * (ns-3 has no rate halving: the nearest of its recovery algorithms).
 *
 *   build/bench/ns3_tcp_flow [--newreno] [--nosack] [--trace FILE] RATE_BPS DELAY_NS BYTES [SEQ...]
 *
 * Prints "flow: name value" lines as bench/tcp_flow does. */
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

using namespace ns3;

static const uint32_t MSS = 1448;
static const uint16_t PORT = 5001;

/* Drops each listed data segment the first time it arrives. */
class SeqDropModel : public ErrorModel
{
      public:
	std::set<uint32_t> pending;

      private:
	bool DoCorrupt(Ptr<Packet> p) override
	{
		Ptr<Packet> c = p->Copy();
		PppHeader ppp;
		Ipv4Header ip;
		TcpHeader tcp;
		c->RemoveHeader(ppp);
		c->RemoveHeader(ip);
		if (ip.GetProtocol() != 6)
			return false;
		c->RemoveHeader(tcp);
		if (c->GetSize() == 0)
			return false;
		auto it = pending.find(tcp.GetSequenceNumber().GetValue());
		if (it == pending.end())
			return false;
		pending.erase(it);
		return true;
	}
	void DoReset() override {}
};

static uint64_t bytes_total, bytes_in;
static double done_s = -1;
static uint64_t fast_retransmits, rto_timeouts, retransmits;
static uint32_t max_cwnd, highest_sent;
static FILE *trace;
static uint32_t last_ssthresh = 65535;

static void on_sink_rx(Ptr<const Packet> p, const Address &)
{
	bytes_in += p->GetSize();
	if (bytes_in >= bytes_total && done_s < 0)
		done_s = Simulator::Now().GetSeconds();
}

static void on_cong_state(TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t now)
{
	if (now == TcpSocketState::CA_RECOVERY)
		fast_retransmits++;
	else if (now == TcpSocketState::CA_LOSS)
		rto_timeouts++;
}

static void on_cwnd(uint32_t, uint32_t cwnd)
{
	uint32_t seg = cwnd / MSS;
	if (seg > max_cwnd)
		max_cwnd = seg;
	if (trace)
		fprintf(trace, "%.9f %u %u\n", Simulator::Now().GetSeconds(), seg, last_ssthresh);
}

static void on_ssthresh(uint32_t, uint32_t s)
{
	last_ssthresh = s / MSS > 65535 ? 65535 : s / MSS;
}

static void on_tx(Ptr<const Packet> p, const TcpHeader &h, Ptr<const TcpSocketBase>)
{
	if (p->GetSize() == 0)
		return;
	uint32_t seq = h.GetSequenceNumber().GetValue();
	if (seq < highest_sent)
		retransmits++;
	else
		highest_sent = seq + p->GetSize();
}

static void connect_traces(void)
{
	const char *s = "/NodeList/0/$ns3::TcpL4Protocol/SocketList/0/";
	Config::ConnectWithoutContext(std::string(s) + "CongState", MakeCallback(&on_cong_state));
	Config::ConnectWithoutContext(std::string(s) + "SlowStartThreshold", MakeCallback(&on_ssthresh));
	Config::ConnectWithoutContext(std::string(s) + "CongestionWindow", MakeCallback(&on_cwnd));
	Config::ConnectWithoutContext(std::string(s) + "Tx", MakeCallback(&on_tx));
}

static void usage(void)
{
	fprintf(stderr, "usage: ns3_tcp_flow [--newreno] [--nosack] [--trace FILE] RATE_BPS DELAY_NS "
			"BYTES [SEQ...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool newreno = false, sack = true;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--newreno"))
			newreno = true;
		else if (!strcmp(argv[i], "--nosack"))
			sack = false;
		else if (!strcmp(argv[i], "--trace") && i + 1 < argc) {
			trace = fopen(argv[++i], "w");
			if (!trace) {
				perror(argv[i]);
				return 1;
			}
		} else
			usage();
	}
	if (argc - i < 3)
		usage();
	uint64_t rate = strtoull(argv[i], nullptr, 10);
	uint64_t delay_ns = strtoull(argv[i + 1], nullptr, 10);
	bytes_total = strtoull(argv[i + 2], nullptr, 10);
	Ptr<SeqDropModel> drops = CreateObject<SeqDropModel>();
	for (i += 3; i < argc; i++)
		drops->pending.insert((uint32_t)strtoul(argv[i], nullptr, 10));

	Config::SetDefault("ns3::TcpL4Protocol::SocketType",
			   TypeIdValue(newreno ? TcpNewReno::GetTypeId() : TcpCubic::GetTypeId()));
	Config::SetDefault("ns3::TcpL4Protocol::RecoveryType", TypeIdValue(TcpClassicRecovery::GetTypeId()));
	Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(sack));
	Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
	Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
	Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
	Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", TimeValue(MilliSeconds(1)));
	Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(MSS));
	Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(3));
	Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(Seconds(3)));
	Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
	Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
	Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(256u << 10));
	Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4u << 20));
	Config::SetDefault("ns3::TcpCubic::Beta", DoubleValue(0.7));
	Config::SetDefault("ns3::TcpCubic::C", DoubleValue(0.4));

	NodeContainer nodes;
	nodes.Create(2);
	PointToPointHelper p2p;
	p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(rate)));
	p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(delay_ns)));
	p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("1000000p"));
	NetDeviceContainer devices = p2p.Install(nodes);
	devices.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(drops));
	InternetStackHelper stack;
	stack.Install(nodes);
	Ipv4AddressHelper address;
	address.SetBase("10.0.0.0", "255.255.255.0");
	Ipv4InterfaceContainer interfaces = address.Assign(devices);
	TrafficControlHelper tc;
	tc.Uninstall(devices);

	PacketSinkHelper sink_helper("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), PORT));
	ApplicationContainer sinks = sink_helper.Install(nodes.Get(1));
	sinks.Start(Seconds(0.0));
	sinks.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&on_sink_rx));
	BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(interfaces.GetAddress(1), PORT));
	bulk.SetAttribute("MaxBytes", UintegerValue(bytes_total));
	bulk.SetAttribute("SendSize", UintegerValue(65536));
	ApplicationContainer senders = bulk.Install(nodes.Get(0));
	senders.Start(Seconds(0.0));
	Simulator::Schedule(NanoSeconds(1), &connect_traces);
	Simulator::Stop(Seconds(600));
	Simulator::Run();
	Simulator::Destroy();

	printf("flow: completion_s %.6f\n", done_s);
	printf("flow: fast_retransmits %llu\n", (unsigned long long)fast_retransmits);
	printf("flow: rto_timeouts %llu\n", (unsigned long long)rto_timeouts);
	printf("flow: retransmits %llu\n", (unsigned long long)retransmits);
	printf("flow: max_cwnd %u\n", max_cwnd);
	if (trace)
		fclose(trace);
	return bytes_in >= bytes_total ? 0 : 1;
}
