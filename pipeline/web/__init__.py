"""The web front: the municipalities' portal (`brochure serve`) and the editors' live preview
(`brochure preview`)."""

