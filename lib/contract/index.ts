// The contract between the constructs and the tools: names, tags, topology
// kinds, step ids and actions, the HOSTS parameter, host paths. Plain
// TypeScript: nothing here may import aws-cdk-lib, constructs or the rest of lib/.
export * from './cidr';
export * from './expiry';
export * from './host-access';
export * from './host-paths';
export * from './input';
export * from './names';
export * from './steps';
export * from './tags';
export * from './topologies';
