import { elasticsearchNode } from './elasticsearch-node.js';
import { kibanaServer } from './kibana.js';
import { mysqlServer } from './mysql.js';
import { nginxServer } from './nginx.js';
import { type ImageBehaviour, imageName } from './types.js';
import { weaveScope } from './weave-scope.js';
import { wordpressServer } from './wordpress.js';

export type { ClusterTask, ImageServer, RunningTask, TaskSurroundings } from './types.js';
export { imageName } from './types.js';

const BEHAVIOURS: Record<string, ImageBehaviour> = {
  nginx: { ports: [80], server: nginxServer },
  mysql: { ports: [3306], server: mysqlServer },
  'mysql/mysql-server': { ports: [3306], server: mysqlServer },
  mariadb: { ports: [3306], server: mysqlServer },
  wordpress: { ports: [80], server: wordpressServer },
  'weaveworks/scope': { ports: [4040], server: weaveScope },
  elasticsearch: { ports: [9200], server: elasticsearchNode },
  kibana: { ports: [5601], server: kibanaServer },
};

/** How a simulated task of this image answers on its ports; undefined: nothing listens (as for any image we do not know). */
export function imageBehaviour(image: string | undefined): ImageBehaviour | undefined {
  return image ? BEHAVIOURS[imageName(image).name] : undefined;
}
