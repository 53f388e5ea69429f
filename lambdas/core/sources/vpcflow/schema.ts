import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

interface FlowField {
  /** The field's name in a flow log format (and the header line of an S3 delivery). */
  field: string;
  column: string;
  type: ColumnType;
  description: string;
}

/**
 * Every field of the VPC Flow Logs formats v2 to v5, in the order AWS documents them. Column names
 * are the field names with `_` for `-` (as Athena's flow log table names them), except `start` and
 * `end`, which are `start_time` and `end_time` (`end` is an SQL keyword).
 */
export const FLOW_FIELDS: readonly FlowField[] = [
  { field: 'version', column: 'version', type: 'bigint', description: 'Flow log format version (2 to 5).' },
  {
    field: 'account-id',
    column: 'account_id',
    type: 'string',
    description: 'Account that owns the interface.',
  },
  {
    field: 'interface-id',
    column: 'interface_id',
    type: 'string',
    description: 'Network interface (eni-…).',
  },
  { field: 'srcaddr', column: 'srcaddr', type: 'string', description: 'Source address of the traffic.' },
  { field: 'dstaddr', column: 'dstaddr', type: 'string', description: 'Destination address of the traffic.' },
  { field: 'srcport', column: 'srcport', type: 'bigint', description: 'Source port.' },
  { field: 'dstport', column: 'dstport', type: 'bigint', description: 'Destination port.' },
  {
    field: 'protocol',
    column: 'protocol',
    type: 'bigint',
    description: 'IANA protocol number (6 TCP, 17 UDP, 1 ICMP).',
  },
  { field: 'packets', column: 'packets', type: 'bigint', description: 'Packets in the window.' },
  { field: 'bytes', column: 'bytes', type: 'bigint', description: 'Bytes in the window.' },
  {
    field: 'start',
    column: 'start_time',
    type: 'timestamp',
    description: 'Start of the capture window, UTC.',
  },
  { field: 'end', column: 'end_time', type: 'timestamp', description: 'End of the capture window, UTC.' },
  { field: 'action', column: 'action', type: 'string', description: 'ACCEPT or REJECT.' },
  {
    field: 'log-status',
    column: 'log_status',
    type: 'string',
    description:
      'OK; NODATA (no traffic in the window); SKIPDATA (records skipped for capacity or an error).',
  },
  { field: 'vpc-id', column: 'vpc_id', type: 'string', description: 'VPC of the interface (v3).' },
  { field: 'subnet-id', column: 'subnet_id', type: 'string', description: 'Subnet of the interface (v3).' },
  {
    field: 'instance-id',
    column: 'instance_id',
    type: 'string',
    description: 'Instance of the interface (v3).',
  },
  {
    field: 'tcp-flags',
    column: 'tcp_flags',
    type: 'bigint',
    description: 'OR of the TCP flags seen (v3): 2 SYN, 18 SYN-ACK, 1 FIN, 4 RST.',
  },
  { field: 'type', column: 'type', type: 'string', description: 'IPv4, IPv6 or EFA (v3).' },
  {
    field: 'pkt-srcaddr',
    column: 'pkt_srcaddr',
    type: 'string',
    description: 'Packet-level source address (v3).',
  },
  {
    field: 'pkt-dstaddr',
    column: 'pkt_dstaddr',
    type: 'string',
    description: 'Packet-level destination address (v3).',
  },
  { field: 'region', column: 'region', type: 'string', description: 'Region of the interface (v4).' },
  { field: 'az-id', column: 'az_id', type: 'string', description: 'Availability Zone id (v4).' },
  {
    field: 'sublocation-type',
    column: 'sublocation_type',
    type: 'string',
    description: 'wavelength, outpost or localzone (v4).',
  },
  {
    field: 'sublocation-id',
    column: 'sublocation_id',
    type: 'string',
    description: 'Id of the sublocation (v4).',
  },
  {
    field: 'pkt-src-aws-service',
    column: 'pkt_src_aws_service',
    type: 'string',
    description: 'AWS service of pkt-srcaddr, e.g. S3 (v5).',
  },
  {
    field: 'pkt-dst-aws-service',
    column: 'pkt_dst_aws_service',
    type: 'string',
    description: 'AWS service of pkt-dstaddr (v5).',
  },
  {
    field: 'flow-direction',
    column: 'flow_direction',
    type: 'string',
    description: 'ingress or egress (v5).',
  },
  {
    field: 'traffic-path',
    column: 'traffic_path',
    type: 'bigint',
    description: 'Path egress traffic took, 1 to 8 (v5).',
  },
];

export const vpcflowSchema: TableSchema = {
  name: 'vpcflow',
  description: 'Amazon VPC Flow Logs, one row per flow record (versions 2 to 5, default or custom format).',
  timeColumn: 'ts',
  columns: [
    ...FLOW_FIELDS.map(({ column, type, description }) => ({ name: column, type, description })),
    {
      name: 'extra',
      type: 'json',
      description: 'Fields of later format versions (ecs-*, reject-reason, …) as JSON text, else null.',
    },
    ...COMMON_COLUMNS,
  ],
};
