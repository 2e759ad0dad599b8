/**
 * The wall screen: the camera tree (collapsible, remembered), the video wall and the live
 * event feed side by side.
 */
import { useLocalStorage } from '@mantine/hooks';
import { CameraTree } from './camera-tree.js';
import { VideoWall } from './video-wall.js';
import { EventFeed } from './event-feed.js';

/** Tree | wall | feed. */
export function WallView() {
  const [treeOpen, setTreeOpen] = useLocalStorage({ key: 'pantau.tree-open', defaultValue: true });
  return (
    <div className={`console__body${treeOpen ? '' : ' console__body--tree-closed'}`} data-testid="wall-view">
      <CameraTree open={treeOpen} onToggle={() => setTreeOpen((o) => !o)} />
      <VideoWall />
      <EventFeed />
    </div>
  );
}
