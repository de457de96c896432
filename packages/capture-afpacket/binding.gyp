{
  "targets": [
    {
      "target_name": "pcap_live",
      "sources": ["native/pcap_live.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-lpcap"]
    }
  ]
}
