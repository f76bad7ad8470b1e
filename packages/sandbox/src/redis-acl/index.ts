// Public surface of Redis ACL provisioning (re-exported by the package index).
export {
  createRedisAclProvisioner,
  type RedisAclProvisioner,
  type RedisUserCredentials,
} from './redis-acl-provisioner.js';
export { redisAclUsername, redisUserPatterns } from './redis-acl-rules.js';
