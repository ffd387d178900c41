/* bench/ns3/tcp_bulk.cc - ns-3's speed on the traffic of npusim's bench
 * point (bench/sim.c): 64 TCP flows, BulkSend to PacketSink, MSS 1448,
 * NewReno, over a plain 10 Gbps point-to-point link with 50 ns of
 * propagation delay (npusim's default fiber: 10 m at 5 ns/m).
 *
 *   build/bench/ns3_tcp_bulk [SIM_SECONDS] [DELAY_NS]     (1 s, 50 ns)
 *
 * Three runs, each a fresh topology; the wall time is taken around
 * Simulator::Run() only (and the process's CPU time, for a figure that
 * other programs on the machine do not stretch). A data packet is a
 * packet the receiving device hands up (its MacRx trace) that is larger
 * than 80 bytes, the most an IP header and a TCP header with options take:
 * every segment that carries payload, retransmissions included; SYNs and
 * ACKs are not counted.
 * Prints "bench: name value unit" lines, medians of the three runs. */
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

using namespace ns3;

static const int FLOWS = 64;
static const uint32_t MSS = 1448;
/* npusim's receiver buffer (host/tcp_receiver.h); the sender's the same */
static const uint32_t SOCKET_BUFFER = 256u << 10;
/* npusim's link: a drop-tail transmit queue of 4096 frames per direction */
static const char *const TX_QUEUE = "4096p";
static const uint32_t WRITE_BYTES = 65536;        /* BulkSend's write size */
static const uint16_t PORT = 5001;

struct run_result {
	double wall_s;
	double cpu_s;                  /* CPU time of the process */
	uint64_t data_packets;
	uint64_t rx_bytes;
	uint64_t events;
};

static uint64_t data_packets;

static void on_receiver_mac_rx(Ptr<const Packet> p)
{
	if (p->GetSize() > 80)
		data_packets++;
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void set_defaults(void)
{
	Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
	Config::SetDefault("ns3::TcpL4Protocol::RecoveryType",
			   TypeIdValue(TcpClassicRecovery::GetTypeId()));
	Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(MSS));
	Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(SOCKET_BUFFER));
	Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(SOCKET_BUFFER));
	/* npusim's sender: Linux 2.6.32 without SACK, initial window 3 */
	Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(false));
	Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(3));
}

static struct run_result run_once(double sim_s, double delay_ns)
{
	NodeContainer nodes;
	nodes.Create(2);

	PointToPointHelper p2p;
	p2p.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
	p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(delay_ns)));
	p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue(TX_QUEUE));
	NetDeviceContainer devices = p2p.Install(nodes);

	InternetStackHelper stack;
	stack.Install(nodes);
	Ipv4AddressHelper address;
	address.SetBase("10.0.0.0", "255.255.255.0");
	Ipv4InterfaceContainer interfaces = address.Assign(devices);
	/* no queue disc (Assign installs one): frames wait only in the
	 * device's drop-tail queue */
	TrafficControlHelper tc;
	tc.Uninstall(devices);

	PacketSinkHelper sink_helper("ns3::TcpSocketFactory",
				     InetSocketAddress(Ipv4Address::GetAny(), PORT));
	ApplicationContainer sinks = sink_helper.Install(nodes.Get(1));
	sinks.Start(Seconds(0.0));

	BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(interfaces.GetAddress(1), PORT));
	bulk.SetAttribute("MaxBytes", UintegerValue(0));   /* unlimited */
	bulk.SetAttribute("SendSize", UintegerValue(WRITE_BYTES));
	ApplicationContainer senders;
	for (int i = 0; i < FLOWS; i++)
		senders.Add(bulk.Install(nodes.Get(0)));
	senders.Start(Seconds(0.0));

	devices.Get(1)->TraceConnectWithoutContext("MacRx", MakeCallback(&on_receiver_mac_rx));
	data_packets = 0;

	Simulator::Stop(Seconds(sim_s));
	std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
	double cpu0 = cpu_seconds();
	Simulator::Run();
	double cpu1 = cpu_seconds();
	std::chrono::steady_clock::time_point t1 = std::chrono::steady_clock::now();

	struct run_result r;
	r.wall_s = std::chrono::duration<double>(t1 - t0).count();
	r.cpu_s = cpu1 - cpu0;
	r.data_packets = data_packets;
	r.rx_bytes = DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx();
	r.events = Simulator::GetEventCount();

	Simulator::Destroy();
	/* the next run assigns the same addresses again */
	Ipv4AddressGenerator::Reset();
	return r;
}

static double median3(double a, double b, double c)
{
	double v[3] = { a, b, c };
	std::sort(v, v + 3);
	return v[1];
}

int main(int argc, char **argv)
{
	double sim_s = argc > 1 ? atof(argv[1]) : 1.0;
	double delay_ns = argc > 2 ? atof(argv[2]) : 50.0;
	if (sim_s <= 0 || delay_ns < 0) {
		fprintf(stderr, "usage: %s [SIM_SECONDS] [DELAY_NS]\n", argv[0]);
		return 2;
	}
	set_defaults();

	double pkts[3], pkts_cpu[3], rate[3], gbps[3], evs[3], evpp[3], wall[3];
	for (int rep = 0; rep < 3; rep++) {
		struct run_result r = run_once(sim_s, delay_ns);
		pkts[rep] = (double)r.data_packets / r.wall_s;
		pkts_cpu[rep] = (double)r.data_packets / r.cpu_s;
		rate[rep] = sim_s / r.wall_s;
		gbps[rep] = (double)r.rx_bytes * 8.0 / sim_s / 1e9;
		evs[rep] = (double)r.events / r.wall_s;
		evpp[rep] = (double)r.events / (double)r.data_packets;
		wall[rep] = r.wall_s;
		if (rep == 0)
			printf("bench: ns3_data_packets %llu packets (%d flows, MSS %u, NewReno, "
			       "10 Gbps point-to-point, %.0f ns delay, %.2f s simulated)\n",
			       (unsigned long long)r.data_packets, FLOWS, MSS, delay_ns, sim_s);
	}
	printf("bench: ns3_wall_seconds %.2f s (Simulator::Run)\n", median3(wall[0], wall[1], wall[2]));
	printf("bench: ns3_data_packets_per_wall_s %.0f packets/s\n", median3(pkts[0], pkts[1], pkts[2]));
	printf("bench: ns3_sim_seconds_per_wall_second %.3f s/s\n", median3(rate[0], rate[1], rate[2]));
	printf("bench: ns3_throughput_gbps %.3f Gbit/s\n", median3(gbps[0], gbps[1], gbps[2]));
	printf("bench: ns3_data_packets_per_cpu_s %.0f packets/s\n",
	       median3(pkts_cpu[0], pkts_cpu[1], pkts_cpu[2]));
	printf("bench: ns3_events_per_s %.0f events/s\n", median3(evs[0], evs[1], evs[2]));
	printf("bench: ns3_events_per_data_packet %.1f events\n", median3(evpp[0], evpp[1], evpp[2]));
	return 0;
}
