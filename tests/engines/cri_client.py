#!/usr/bin/python3
"""The engine suite's CRI client: cri_client.py PB2_DIR SOCKET METHOD [JSON] calls
/runtime.v1.RuntimeService/METHOD with the JSON request (proto3 JSON names) and prints the JSON reply;
a gRPC error is printed on stderr with exit code 1."""
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
import cri_pb2  # noqa: E402


def main():
    sock, method = sys.argv[2], sys.argv[3]
    body = sys.argv[4] if len(sys.argv) > 4 else "{}"
    req_t = getattr(cri_pb2, method + "Request")
    rsp_t = getattr(cri_pb2, method + "Response")
    req = json_format.Parse(body, req_t())
    chan = grpc.insecure_channel("unix://" + sock)
    call = chan.unary_unary("/runtime.v1.RuntimeService/" + method,
                            request_serializer=req_t.SerializeToString,
                            response_deserializer=rsp_t.FromString)
    try:
        rsp = call(req, timeout=60)
    except grpc.RpcError as e:
        print("%s: %s" % (method, e.details()), file=sys.stderr)
        return 1
    print(json_format.MessageToJson(rsp, indent=None))
    return 0


sys.exit(main())
